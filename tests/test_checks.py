"""`manage.py check` guards the privacy promises in the configuration."""

import os
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.mail.backends.console import EmailBackend as ConsoleBackend
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from ats import checks, storage
from ats.models import EmailTemplate
from ats.services.purge import purge_due
from ats.services.schedules import EMAIL_SCHEDULE, SETTLE_SCHEDULE
from tests.factories import ApplicationFactory
from tests.helpers import ROOT, S3_BUCKET, S3_REGION, ids, s3_options


def test_the_default_configuration_passes():
    assert ids(checks.check_cv_storage_is_private()) == []
    assert ids(checks.check_retention_within_policy()) == []
    assert ids(checks.check_cv_storage_region()) == []


@pytest.mark.parametrize(
    "options",
    [
        {"custom_domain": "cdn.example.se"},
        {"querystring_auth": False},
        {"default_acl": "public-read"},
    ],
)
def test_s3_that_would_serve_cvs_publicly_is_an_error(settings, s3_cv_files, options):
    s3_options(settings, **options)
    assert ids(checks.check_cv_storage_is_private()) == ["ats.E001"]


def test_a_cv_folder_under_a_served_folder_is_an_error(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "ats_cv": {
            "BACKEND": "ats.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media" / "cv"},
        },
    }
    assert ids(checks.check_cv_storage_is_private()) == ["ats.E001"]


def test_a_project_that_serves_no_media_may_keep_cvs_in_its_own_folder(settings, tmp_path):
    """django-admin startproject: MEDIA_ROOT empty, the default storage in the current
    folder. Nothing serves that folder, so a CV folder beneath it is private."""
    settings.MEDIA_ROOT = ""
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": settings.STORAGES["staticfiles"],
        "ats_cv": {
            "BACKEND": "ats.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": Path.cwd() / "var" / "cv"},
        },
    }
    assert ids(checks.check_cv_storage_is_private()) == []
    settings.STORAGES["default"]["OPTIONS"] = {"location": Path.cwd() / "var"}  # served
    assert ids(checks.check_cv_storage_is_private()) == ["ats.E001"]


@pytest.mark.django_db
def test_checks_that_ask_a_service_run_only_when_deploying(s3_faults):
    """runserver and migrate run the checks at every start: none of them calls S3."""
    run_checks()
    assert not [request for request in s3_faults.seen if "versioning" in request[1]]
    run_checks(include_deployment_checks=True)
    assert [request for request in s3_faults.seen if "versioning" in request[1]]


def test_a_region_outside_the_eu_is_a_warning(settings, s3_cv_files):
    assert ids(checks.check_cv_storage_region()) == []  # eu-north-1, Stockholm
    for region in ("us-east-1", "eu-west-2"):  # London is outside the EU/EEA
        s3_options(settings, region_name=region)
        assert ids(checks.check_cv_storage_region()) == ["ats.W001"]


def test_retention_longer_than_the_policy_is_a_warning(settings):
    settings.ATS_CONSENT_RETENTION = 3
    settings.ATS_ACCESS_LOG_RETENTION = timedelta(days=1000)
    assert ids(checks.check_retention_within_policy()) == ["ats.W002", "ats.W002"]


def test_a_queue_that_could_run_a_task_twice_is_an_error(settings):
    assert ids(checks.check_queue()) == []
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "retry": settings.Q_CLUSTER["timeout"]}
    assert ids(checks.check_queue()) == ["ats.E002"]


@pytest.mark.django_db
def test_a_missing_schedule_is_a_deployment_error():
    assert ids(checks.check_schedules()) == []
    Schedule.objects.filter(name=EMAIL_SCHEDULE).delete()
    [missing] = checks.check_schedules()
    assert missing.id == "ats.E003" and missing.msg.startswith("Not scheduled: ats: send emails.")
    assert "ats.E003" in ids(run_checks(include_deployment_checks=True))
    assert "ats.E003" not in ids(run_checks())  # migrate runs these, then registers it
    Schedule.objects.all().delete()
    assert "ats.E003" in ids(run_checks(include_deployment_checks=True))


@pytest.mark.django_db
def test_a_migrate_that_brings_a_new_schedule_registers_it_with_its_checks_on():
    """An upgrade: the database has the schedules of the version before."""
    Schedule.objects.filter(name=SETTLE_SCHEDULE).delete()
    call_command("migrate", skip_checks=False, verbosity=0)
    assert Schedule.objects.filter(name=SETTLE_SCHEDULE).count() == 1


def test_versioned_bucket_without_expiry_of_old_versions_is_a_warning(versioned_bucket):
    client, bucket = versioned_bucket
    assert ids(checks.check_old_cv_versions_expire()) == ["ats.W003"]
    client.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire-old-cvs",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
                }
            ]
        },
    )
    assert ids(checks.check_old_cv_versions_expire()) == []


@pytest.mark.django_db
def test_purge_deletes_every_version_in_a_versioned_bucket(versioned_bucket, s3_cv_files):
    client, bucket = versioned_bucket
    application = ApplicationFactory(consented=True, delete_after=timezone.now())
    key = f"{s3_cv_files.location}/{application.cv.name}"
    client.put_object(Bucket=bucket, Key=key, Body=b"%PDF-1.7 second version")

    assert purge_due().deleted.total() == 1

    versions = client.list_object_versions(Bucket=bucket, Prefix=f"{s3_cv_files.location}/cv/")
    assert versions.get("Versions", []) == [] and versions.get("DeleteMarkers", []) == []
    assert storage.files().keeps_versions()


@pytest.mark.slow  # migrate and check in a process of their own
def test_deploy_check_is_clean_with_production_settings(s3_server, tmp_path):
    endpoint, _ = s3_server
    environment = {
        # Not DJANGO_ALLOW_ASYNC_UNSAFE, which the browser tests set for this process.
        **{
            name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"
        },
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "jobb.example.se",
        "SECURE_SSL_REDIRECT": "1",
        "SECURE_PROXY_SSL_HEADER": "1",  # behind deploy/nginx.conf, as docs/deployment.md says
        "ATS_CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        "ATS_CONTROLLER_NAME": "Exempel AB",  # named in each ad's JobPosting (docs/job-ads.md)
        "ATS_SCIM_TOKEN": secrets.token_urlsafe(40),  # the identity provider's (ats.W011)
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:6379/14",
        "EMAIL_URL": "smtp+tls://jobs:secret@smtp.example.se:587",
        "ATS_S3_BUCKET": S3_BUCKET,
        "ATS_S3_REGION": S3_REGION,
        "ATS_S3_ENDPOINT_URL": endpoint,
        "ATS_S3_SSE": "aws:kms",
        "ATS_S3_KMS_KEY_ID": "alias/ats-cv",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], env=environment, check=True, cwd=ROOT)
    result = subprocess.run(
        [*manage, "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_proxy_without_the_client_address_header_is_a_deployment_warning(settings):
    assert ids(checks.check_client_address_behind_a_proxy()) == []  # no proxy said

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ATS_CLIENT_IP_HEADER = None
    warnings = checks.check_client_address_behind_a_proxy()
    assert ids(warnings) == ["ats.W007"]
    assert "ATS_CLIENT_IP_HEADER" in warnings[0].msg

    settings.ATS_CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert ids(checks.check_client_address_behind_a_proxy()) == []


def test_the_client_address_check_runs_with_check_deploy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ATS_CLIENT_IP_HEADER = None

    assert "ats.W007" in ids(run_checks(include_deployment_checks=True, tags=["security"]))
    assert "ats.W007" not in ids(run_checks(tags=["security"]))


@pytest.mark.django_db
def test_ads_without_an_employer_name_are_a_deployment_warning(settings):
    """Without a name an ad carries no JobPosting (Google refuses one without its
    employer), and so no place in job search: said before going live."""
    settings.ATS_EMPLOYER_NAME = settings.ATS_CONTROLLER_NAME = ""

    [warning] = [m for m in run_checks(include_deployment_checks=True) if m.id == "ats.W009"]
    assert "ATS_EMPLOYER_NAME" in warning.msg + warning.hint
    assert "ats.W009" not in ids(run_checks())  # not on every runserver start

    settings.ATS_CONTROLLER_NAME = "Exempel AB"
    assert "ats.W009" not in ids(run_checks(include_deployment_checks=True))
    settings.ATS_CONTROLLER_NAME, settings.ATS_EMPLOYER_NAME = "", "Exempel Lager AB"
    assert "ats.W009" not in ids(run_checks(include_deployment_checks=True))


@pytest.mark.django_db
def test_manage_check_runs_the_ats_checks():
    call_command("check", "--fail-level", "WARNING")


@pytest.mark.django_db
def test_a_missing_email_template_is_an_error_with_deploy():
    assert ids(checks.check_email_templates()) == []
    EmailTemplate.objects.filter(key="received").delete()
    assert ids(checks.check_email_templates()) == ["ats.E006"]


@pytest.mark.parametrize(
    ("zone", "found"), [("Europe/Stockholm", []), ("Europe/Stokholm", ["ats.E007"])]
)
def test_the_employers_time_zone_must_exist(settings, zone, found):
    settings.ATS_TIME_ZONE = zone
    assert ids(checks.check_time_zone()) == found


class ConsoleOfTheProject(ConsoleBackend):
    """A project's own, printing as Django's does."""


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.filebased.EmailBackend",
        "tests.test_checks.ConsoleOfTheProject",
    ],
)
def test_emails_written_out_rather_than_sent_are_a_deployment_error(settings, backend):
    settings.EMAIL_BACKEND = backend

    assert "ats.E008" in ids(run_checks(include_deployment_checks=True, tags=["security"]))
    assert "ats.E008" not in ids(run_checks(tags=["security"]))  # runserver prints them

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert "ats.E008" not in ids(run_checks(include_deployment_checks=True, tags=["security"]))
