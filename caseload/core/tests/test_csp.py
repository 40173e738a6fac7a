"""The Content Security Policy header, and templates that need no inline scripts or styles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (d.strip().split() for d in header.split(";") if d.strip())
    return {p[0]: p[1:] for p in parts}


def test_every_page_sends_the_policy(client):
    response = client.get(reverse("core:sign-in"))
    policy = _directives(response["Content-Security-Policy"])

    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["style-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_the_one_inline_script_carries_the_requests_nonce(client):
    response = client.get(reverse("core:sign-in"))
    script_src = _directives(response["Content-Security-Policy"])["script-src"]
    nonces = [s for s in script_src if s.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]

    page = response.content.decode()
    inline_scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert inline_scripts == [f' nonce="{nonce}"']  # GOV.UK Frontend's js-enabled line, and nothing else
    assert 'src="/assets/caseload/init.js"' in page


def test_signed_in_pages_send_the_policy_too(admin_client):
    response = admin_client.get(reverse("core:audit"))
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_no_template_has_inline_scripts_or_style_attributes():
    """Every Jinja2 template in the project: scripts are files and styles are classes."""
    offenders = []
    for template in Path(settings.BASE_DIR, "caseload").rglob("jinja2/**/*.html"):
        text = template.read_text()
        for number, line in enumerate(text.splitlines(), start=1):
            inline_script = re.search(r"<script(?![^>]*\bsrc=)", line)
            if inline_script or re.search(r"\sstyle=|<style[\s>]|\son[a-z]+=", line):
                offenders.append(f"{template.relative_to(settings.BASE_DIR)}:{number}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_the_init_script_is_a_committed_static_file():
    script = Path(settings.BASE_DIR, "caseload/core/static/caseload/init.js")
    assert "initAll" in script.read_text()
    ignore = Path(settings.BASE_DIR, ".gitignore").read_text().splitlines()
    assert not [rule for rule in ignore if rule.strip() in {"*.js", "/caseload/core/static/", "static/"}]
