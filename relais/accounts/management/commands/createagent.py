"""`relais createagent EMAIL --role admin --print-token`."""

import secrets

from django.core.management.base import BaseCommand, CommandError

from relais.accounts.actions import InvalidAgentInput, create_agent, issue_api_token
from relais.accounts.models import Role


class Command(BaseCommand):
    help = "Create an agent; with --print-token the API token is the last line printed."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", choices=Role.values, default=Role.AGENT)
        parser.add_argument("--name", default="")
        parser.add_argument("--password", help="default: a random password, printed")
        parser.add_argument("--print-token", action="store_true")

    def handle(self, *args, email, role, name, password, print_token, **options):
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            agent = create_agent(email, password=password, name=name, role=role)
        except InvalidAgentInput as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Created {agent.role} {agent.email}")
        if generated:
            self.stdout.write(f"Password: {password}")
        if print_token:
            self.stdout.write(issue_api_token(agent, name="createagent"))
