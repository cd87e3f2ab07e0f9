"""karbor-protection: the worker that runs protection flows."""

from karbor.cmd import launcher
from karbor.common import constants


def main():
    launcher.run_service(constants.PROTECTION_BINARY)
