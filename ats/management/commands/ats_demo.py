from django.core.management.base import BaseCommand

from ats.services.demo import load_demo_data


class Command(BaseCommand):
    help = "Load demo data: a privacy notice, published openings with applicants, a recruiter."

    def handle(self, **options):
        login = load_demo_data()
        self.stdout.write(
            f"Demo data loaded. Recruiter login at http://127.0.0.1:8000/accounts/login/: "
            f"{login.username} / {login.password} (at the first login, set up an "
            "authenticator app if the site asks for one)"
        )
