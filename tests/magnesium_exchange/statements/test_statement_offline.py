"""Offline checks of a statement: `meidu verify-statement` (exit 0 / 1 / 2, with the reason) and the
README's recipe, run exactly as printed there against a real statement and the served JWKS."""

import base64
import json
import re
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from magnesium_exchange.financing.statements import receipt_statement
from meidu.cli import main
from meidu.core.keys import b64url
from meidu.core.statements import canonical_json, statement_keys

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[3]
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


@pytest.fixture
def statement(receipt_factory, seller_member):
    return receipt_statement(receipt_factory(seller_member), viewer=None)


@pytest.fixture
def jwks_file(tmp_path):
    document = Client().get("/.well-known/jwks.json").json()  # RSA, warehouse and statement keys, as served
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(document))
    return path


def run(capsys, tmp_path, token: str, jwks_file) -> tuple[int, str]:
    path = tmp_path / "statement.jws"
    path.write_text(token)
    code = main(["verify-statement", str(path), "--jwks", str(jwks_file)])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def resign(header: dict, payload: bytes, key=None) -> str:
    key = key or statement_keys()[-1].private_key
    signing_input = b64url(canonical_json(header)) + "." + b64url(payload)
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))


def test_a_valid_statement_exits_0_and_prints_its_claims(capsys, tmp_path, statement, jwks_file):
    code, out = run(capsys, tmp_path, statement + "\n", jwks_file)
    assert code == 0 and out.startswith("VALID")
    claims = json.loads(out.split("\n", 1)[1])
    assert claims["typ"] == "receipt-statement" and claims["view"] == "masked"


def test_one_character_changed_anywhere_exits_1(capsys, tmp_path, statement, jwks_file):
    reasons = {}
    segments = dict(zip(("header", "payload", "signature"), statement.split("."), strict=True))
    for index, char in enumerate(statement):
        if char == ".":
            continue
        changed = statement[:index] + ALPHABET[(ALPHABET.index(char) + 1) % 64] + statement[index + 1 :]
        code, out = run(capsys, tmp_path, changed, jwks_file)
        assert code == 1, (index, out)
        assert out.startswith("INVALID (")
        part = (
            "header"
            if index < len(segments["header"])
            else "signature"
            if index > len(statement) - len(segments["signature"]) - 1
            else "payload"
        )
        reasons.setdefault(part, set()).add(re.match(r"INVALID \((\w+)\)", out).group(1))
    assert reasons["signature"] <= {"bad_signature", "malformed"} and "bad_signature" in reasons["payload"]
    assert reasons["header"] & {"malformed", "bad_header", "unknown_key", "bad_signature"}


def test_an_unknown_kid_and_a_non_canonical_payload_exit_1_with_their_reason(capsys, tmp_path, statement, jwks_file):
    header = json.loads(base64.urlsafe_b64decode(statement.split(".")[0] + "=="))
    payload = base64.urlsafe_b64decode(statement.split(".")[1] + "=" * (-len(statement.split(".")[1]) % 4))
    stranger = resign({**header, "kid": "not-a-published-key"}, payload, Ed25519PrivateKey.generate())
    code, out = run(capsys, tmp_path, stranger, jwks_file)
    assert code == 1 and out.startswith("INVALID (unknown_key)")
    spaced = json.dumps(json.loads(payload), indent=1, ensure_ascii=False).encode()  # the same claims, re-serialised
    code, out = run(capsys, tmp_path, resign(header, spaced), jwks_file)
    assert code == 1 and out.startswith("INVALID (not_canonical)")
    # a warehouse's seal key (Ed25519, in the same JWKS) never verifies a statement
    document = json.loads(jwks_file.read_text())
    assert any("meidu:warehouse" in key for key in document["keys"])


def test_usage_errors_exit_2(capsys, tmp_path, statement, jwks_file):
    assert main(["verify-statement", str(tmp_path / "missing.jws"), "--jwks", str(jwks_file)]) == 2
    path = tmp_path / "statement.jws"
    path.write_text(statement)
    assert main(["verify-statement", str(path), "--jwks", str(tmp_path / "missing.json")]) == 2
    (tmp_path / "notjwks.json").write_text("[1, 2]")
    assert main(["verify-statement", str(path), "--jwks", str(tmp_path / "notjwks.json")]) == 2
    with pytest.raises(SystemExit) as exited:
        main(["verify-statement"])
    assert exited.value.code == 2


def readme_recipe() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Checking a receipt statement offline", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_the_readme_recipe_is_ten_lines_and_checks_a_real_statement(statement, jwks_file):
    recipe = readme_recipe()
    assert len([line for line in recipe.splitlines() if line.strip()]) <= 10
    imported = {
        line.split()[1].split(".")[0].rstrip(",")
        for line in recipe.splitlines()
        if line.startswith(("import ", "from "))
    }
    assert imported == {"base64", "cryptography"}, (
        imported
    )  # `import base64, json`: the standard library and cryptography
    namespace: dict = {}
    exec(compile(recipe, "README.md", "exec"), namespace)
    jwks = json.loads(jwks_file.read_text())
    claims = namespace["check_statement"](statement, jwks)
    assert claims is not None and claims["typ"] == "receipt-statement" and claims["receipt"]["tonnes"] == "100.000"
    head, body, sig = statement.split(".")
    forged = dict(claims, status="withdrawn")
    with pytest.raises(InvalidSignature):
        namespace["check_statement"](f"{head}.{b64url(canonical_json(forged))}.{sig}", jwks)


def test_by_default_the_keys_are_fetched_from_public_url(capsys, tmp_path, statement, live_server, settings):
    settings.PUBLIC_URL = live_server.url + "/"
    path = tmp_path / "statement.jws"
    path.write_text(statement)
    assert main(["verify-statement", str(path)]) == 0
    assert capsys.readouterr().out.startswith("VALID")
    settings.PUBLIC_URL = "http://127.0.0.1:9/"  # nothing listens: the keys cannot be read, a usage error
    assert main(["verify-statement", str(path)]) == 2
    assert "cannot read the JWKS" in capsys.readouterr().err
