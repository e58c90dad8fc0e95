"""A stand-in virus scanner for ATS_CV_SCANNER: it knows one signature, EICAR's."""

from django.core.exceptions import ValidationError

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def refuse_eicar(upload) -> None:
    upload.seek(0)
    if EICAR in upload.read():
        raise ValidationError("This file was flagged by our virus scanner.", code="infected")
