"""karbor-api: the Karbor REST API on a threaded cheroot server."""

from karbor.cmd import launcher


def main():
    launcher.prepare()
    from karbor.api import server
    api = server.APIServer()
    api.start()
    launcher.serve([api])
