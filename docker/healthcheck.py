"""The container's HEALTHCHECK: exit 0 when /healthz on this container answers 200, else 1.

Asks http://127.0.0.1:$PORT/healthz with the first of DJANGO_ALLOWED_HOSTS as Host (Django refuses other
hosts); /healthz is exempt from the HTTPS redirect. Standard library only.
"""

import http.client
import os
import sys


def main() -> int:
    port = int(os.environ.get("PORT", "8000"))
    hosts = [host.strip().lstrip(".") for host in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",")]
    host = next((host for host in hosts if host and host != "*"), "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=4)
    try:
        connection.request("GET", "/healthz", headers={"Host": host})
        response = connection.getresponse()
        body = response.read(1000).decode("utf-8", "replace")
    except OSError as error:
        print(f"healthz: {error}", file=sys.stderr)
        return 1
    finally:
        connection.close()
    print(f"healthz: {response.status} {body}")
    return 0 if response.status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
