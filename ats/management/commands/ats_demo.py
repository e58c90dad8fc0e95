from django.conf import settings
from django.core.management.base import BaseCommand
from django.shortcuts import resolve_url

from ats.emails import site_url
from ats.services.demo import load_demo_data


class Command(BaseCommand):
    help = "Load demo data: a privacy notice, published openings with applicants, a recruiter."

    def handle(self, **options):
        login = load_demo_data()
        self.stdout.write(
            f"Demo data loaded. Recruiter login at {site_url(resolve_url(settings.LOGIN_URL))}: "
            f"{login.username} / {login.password} (at the first login, set up an "
            "authenticator app if the site asks for one)"
        )
