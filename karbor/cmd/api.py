"""karbor-api: the Karbor REST API on threaded cheroot servers, in
``osapi_karbor_processes`` worker processes."""

from karbor.cmd import launcher


def main():
    launcher.prepare()
    from karbor.api import workers
    workers.serve()
