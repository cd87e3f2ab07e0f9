"""The takeover tier shares the bank suite's Swift all-in-one and moto S3
server (see karbor/tests/functional/banks/conftest.py)."""

from karbor.tests.functional.banks.conftest import moto_endpoint  # noqa
from karbor.tests.functional.banks.conftest import swift_server  # noqa
