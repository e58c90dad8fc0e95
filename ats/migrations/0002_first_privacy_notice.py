"""The first privacy notice, mirroring the employer's policy on job applications.

Later versions are published in the admin; this one is frozen here as it was shown.
"""

from django.db import migrations

TEXT_SV = """\
Så behandlar vi dina personuppgifter när du söker jobb hos oss

Personuppgiftsansvarig är arbetsgivaren som har publicerat tjänsten. Vi behandlar de
uppgifter du skickar med din ansökan (namn, e-postadress, telefonnummer, personligt brev
och CV) för att bedöma din ansökan och genomföra rekryteringen.

Ansökningar till en utannonserad tjänst sparas som längst två år efter att beslut om
anställning har fattats. Därefter raderas ansökan och CV.

Spontanansökningar raderas direkt, om du inte samtycker till att vi sparar dem i upp till
två år. Du kan när som helst återkalla ditt samtycke, och ansökan raderas då omedelbart.

Endast de som behöver uppgifterna i sitt arbete, det vill säga de som rekryterar till
tjänsten, får ta del av dem. Uppgifterna lagras inom EU/EES.

Du har rätt att få tillgång till och en kopia av dina uppgifter, att få felaktiga uppgifter
rättade, att invända mot behandlingen, att begära begränsning av behandlingen, att få
uppgifterna raderade och att få ut dem i ett maskinläsbart format (dataportabilitet). Via
länken i bekräftelsen av din ansökan, eller under "Mina uppgifter" på webbplatsen, kan du
själv se, ladda ner, rätta, begränsa och radera dina uppgifter.

Du har rätt att lämna klagomål till Integritetsskyddsmyndigheten (IMY), www.imy.se.

Vår webbplats sparar besökares IP-adresser endast i hashad form, i högst två år.
"""

TEXT_EN = """\
How we process your personal data when you apply for a job with us

The controller is the employer who published the opening. We process the data you send
with your application (name, email address, phone number, cover letter and CV) to assess
your application and carry out the recruitment.

Applications for an advertised position are kept at most two years after the hiring
decision. Then the application and the CV are deleted.

Spontaneous applications are deleted at once, unless you consent to us keeping them for up
to two years. You can withdraw your consent at any time, and the application is then
deleted immediately.

Only those who need the data for their work, that is, those recruiting for the position,
may see it. The data is stored within the EU/EEA.

You have the right to access and get a copy of your data, to have inaccurate data
corrected, to object to the processing, to ask for the processing to be restricted, to
have the data erased, and to receive it in a machine-readable format (data portability).
Through the link in the confirmation of your application, or under "My data" on the
website, you can see, download, correct, restrict and erase your data yourself.

You have the right to lodge a complaint with the Swedish Authority for Privacy Protection
(IMY, Integritetsskyddsmyndigheten), www.imy.se.

Our website keeps visitors' IP addresses only in hashed form, for at most two years.
"""


def publish_first_notice(apps, schema_editor):
    PrivacyNotice = apps.get_model("ats", "PrivacyNotice")
    PrivacyNotice.objects.get_or_create(
        version=1, defaults={"text_sv": TEXT_SV, "text_en": TEXT_EN}
    )


class Migration(migrations.Migration):
    dependencies = [("ats", "0001_initial")]

    operations = [migrations.RunPython(publish_first_notice, migrations.RunPython.noop)]
