"""karbor-operationengine: the scheduler of triggered operations."""

from karbor.cmd import launcher
from karbor.common import constants


def main():
    launcher.run_service(constants.OPERATIONENGINE_BINARY)
