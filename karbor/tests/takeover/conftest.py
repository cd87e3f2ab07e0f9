"""The takeover tier shares the bank suite's moto S3 server (see
karbor/tests/functional/banks/conftest.py); its Swift is the bank suite's
all-in-one behind the sandbox's Keystone (``banks.conftest.
keystone_swift``), as the original's Swift bank plugin authenticates with
Keystone only."""

from karbor.tests.functional.banks.conftest import moto_endpoint  # noqa
