"""The reverse-proxy configuration docs/deployment-portal.md gives, run: nginx with TLS (a certificate made
here) in front of the portal, as `serve --host-name report.example.org --forwarded-allow-ips 127.0.0.1`
runs it. Through it a focal point's page and form work, a client cannot choose its address with
X-Forwarded-For, and neither nginx's log nor the portal's holds a link's secret."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from pipeline.web.app import Settings
from pipeline.web.server import Listen
from pipeline.web.tokens import TokenStore

from .conftest import REPO, copy_example, needs_client
from .webserver import free_port, serving

NAME = "report.example.org"


def documented_config() -> str:
    text = (REPO / "docs/deployment-portal.md").read_text()
    return re.search(r"```nginx\n(.*?)```", text, re.S).group(1)


def nginx_config(folder: Path, portal_port: int, https_port: int, http_port: int) -> Path:
    """The documented configuration with this test's ports, certificate and log folder, in a main file."""
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={NAME}",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    site = (documented_config()
            .replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{portal_port};")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace(f"/etc/letsencrypt/live/{NAME}/fullchain.pem", str(folder / "cert.pem"))
            .replace(f"/etc/letsencrypt/live/{NAME}/privkey.pem", str(folder / "key.pem"))
            .replace("/var/log/nginx/", f"{folder}/"))
    main = folder / "nginx.conf"
    main.write_text(f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
                    f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
                    f"  proxy_temp_path {folder}/proxy;\n{site}\n}}\n")
    return main


@needs_client("nginx")
def test_the_documented_nginx_config_serves_the_portal_over_tls(tmp_path):
    root = copy_example(tmp_path / "example")
    secret = TokenStore(root).issue("agency", "helpage")[1]
    settings = Settings(root, host_names=(NAME,), rate=4)
    with serving(settings, listen=Listen(forwarded_allow_ips=("127.0.0.1",))) as portal:
        folder = tmp_path / "nginx"
        folder.mkdir()
        https, http = free_port(), free_port()
        config = nginx_config(folder, int(portal.url.rsplit(":", 1)[1]), https, http)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        server = subprocess.Popen([nginx, "-p", str(folder), "-c", str(config), "-g", "daemon off;"],
                                  stderr=subprocess.PIPE)
        try:
            base = f"https://127.0.0.1:{https}"
            with httpx.Client(base_url=base, verify=False, headers={"Host": NAME}, timeout=60) as browser:
                for _ in range(100):
                    try:
                        browser.get("/api/health")
                        break
                    except httpx.TransportError:
                        time.sleep(0.1)
                assert browser.get("/api/health").status_code == 200
                page = browser.get(f"/a/{secret}")
                assert page.status_code == 200 and "HelpAge" in page.text
                assert page.headers["strict-transport-security"] and "secure" in page.headers["set-cookie"].lower()
                form = {"section": "social-pensions", "csrf": browser.cookies["jr_csrf"], "confirm": "yes"}
                final = browser.post(f"/a/{secret}/final", data=form, headers={"Origin": f"https://{NAME}"})
                assert final.status_code == 303
                # a client naming another address in X-Forwarded-For is still counted as itself
                codes = [browser.post("/api/drafts", data={"section": "x"},
                                      headers={"X-Forwarded-For": f"10.9.0.{n}"}).status_code for n in range(6)]
                assert codes[-1] == 429 and codes.count(401) == 3  # the final's post counted too
            plain = httpx.get(f"http://127.0.0.1:{http}/a/{secret}", headers={"Host": NAME})
            assert plain.status_code == 301 and plain.headers["location"].startswith(f"https://{NAME}/")
            assert httpx.get(f"{base}/api/health", verify=False, headers={"Host": "evil.example"}).status_code == 400
        finally:
            server.terminate()
            server.wait(10)
    access = (folder / "jointreport.access.log").read_text()
    assert "/api/health" in access and secret not in access and "/a/" not in access
    assert secret[:16] not in portal.log.read_text()


def test_the_documented_config_and_unit_say_what_serve_takes():
    text = (REPO / "docs/deployment-portal.md").read_text()
    unit = re.search(r"```ini\n(.*?)```", text, re.S).group(1)
    command = re.search(r"ExecStart=\S+ (serve .*)", unit).group(1).split()

    from pipeline.commands.serve import serve_command

    options = {o for p in serve_command.params for o in p.opts}
    given = [word for word in command if word.startswith("--")]
    assert given and all(word in options for word in given), command
    parsed = serve_command.make_context("serve", command[1:])  # the unit's command line as serve reads it
    assert parsed.params["host_names"] == (NAME,) and parsed.params["forwarded_allow_ips"] == "127.0.0.1"
