"""The CLI end to end on SQLite, and the authorization matrix: every role against every
command, each run on its own copy of one prepared database."""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from darkrange.case import (
    ManualClock,
    Store,
    add_account,
    add_cluster,
    add_evidence,
    add_note,
    add_person,
    decide,
    request,
    suggest_identity,
)
from darkrange.cli import main
from tests.case.conftest import ONION_A, ONION_B, PASSWORD, START, USERS, _seed, new_case

ROLE_USER = {role: name for name, role in reversed(list(USERS.items()))}
CASE_ROLES = {"analyst", "supervisor", "trainer", "trainee"}
LEADS = {"analyst", "supervisor", "trainer"}  # the analyst here is the case's owner


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory, signed_package: tuple[Path, Path]) -> Path:
    """A database with a case (owner ana; members sue, sam, tia, tom) holding one of each."""
    root = tmp_path_factory.mktemp("matrix")
    db = root / "cases.db"
    _seed(f"sqlite:///{db}")
    store = Store(f"sqlite:///{db}", ManualClock(START))
    case_id = new_case(store, members=("sue", "sam", "tia", "tom"))
    with store.acting("ana") as actor:
        suspect = add_person(actor, case_id, "suspect", "John Doe")
        a = add_account(actor, case_id, ONION_A, "ironside", suspect.id)
        b = add_account(actor, case_id, ONION_B, "ir0nside")
        suggest_identity(actor, case_id, [a.id, b.id], 0.9, "linker")
        add_cluster(actor, case_id, "c1", ["bc1qexample"], person_id=suspect.id, method="co-spend")
        add_note(actor, case_id, "Ships from NL", "assessment")
        add_evidence(actor, case_id, signed_package[0], root / "vault")
        first = request(actor, case_id, "stix", ["Europol"], "joint investigation team")
        request(actor, case_id, "misp", ["FIOD"], "exchange with FIOD")
        third = request(actor, case_id, "report", ["prosecutor"], "court file")
    with store.acting("sam") as actor:
        decide(actor, first.id, True, "ok")
        decide(actor, third.id, True, "ok")
    store.close()
    (root / "partner.json").write_text(
        json.dumps({"type": "bundle", "id": "bundle--x", "objects": []})
    )
    (root / "trace.json").write_text(json.dumps(TRACE))
    return root


C, L, SUP = CASE_ROLES, LEADS, {"supervisor"}
# the shape `darkrange chain trace --format json` writes
TRACE = {
    "start": {"kind": "address", "value": "bc1qexample"},
    "direction": "forward",
    "model": "haircut",
    "hops": 2,
    "start_value_sat": 150000,
    "truncated": False,
    "links": [
        {"hop": 1, "txid": "ab" * 32, "time": "2030-01-02T03:04:05Z", "value": 150000},
        {"hop": 2, "txid": "cd" * 32, "time": "2030-01-03T03:04:05Z", "value": 149000},
    ],
}
# command -> (its arguments, {d} standing for the run's folder; the roles allowed to run it)
COMMANDS: dict[str, tuple[str, set[str]]] = {
    "case create": (
        "case create --title T --purpose 'Investigate vendor X sales' "
        "--legal-basis 'Code of Criminal Procedure 126' --agency Customs",
        C,
    ),
    "case list": ("case list", C),
    "case show": ("case show 1 -j 'weekly review'", C),
    "case add-member": ("case add-member 1 ben --need-to-know 'analyses wallets'", L),
    "case add-task": ("case add-task 1 --title 'trace payments'", C),
    "case close": ("case close 1 -j done", L),
    "case add-person": ("case add-person 1 --category suspect --name X", C),
    "case add-account": (f"case add-account 1 --site {ONION_A} --handle h", C),
    "case add-selector": ("case add-selector 1 --kind btc --value bc1q", C),
    "case add-site": (f"case add-site 1 --onion {ONION_B} --name Alpha --kind market", C),
    "case add-listing": ("case add-listing 1 --account 1 --url http://x.onion/l/1 --title T", C),
    "case add-trace": ("case add-trace 1 {d}/trace.json --title 'buyer to vendor'", C),
    "case add-note": ("case add-note 1 --text t --kind fact --eval B2", C),
    "case suggest-identity": (
        "case suggest-identity 1 --account 1 --account 2 --score 0.5 --method m",
        C,
    ),
    "case add-cluster": ("case add-cluster 1 --cluster c2 --address bc1qz", C),
    "case confirm": ("case confirm identity:1 -j 'same PGP key'", C),
    "case add-evidence": ("case add-evidence 1 {d}/ironside.wacz --vault {d}/vault", C),
    "case evidence show": ("case evidence show 1 -j 'court file'", C),
    "case evidence log": ("case evidence log 1 --action moved -j 'to safe'", C),
    "case evidence check": ("case evidence check 1", C),
    "case evidence copy": ("case evidence copy 1 --out {d}/w.wacz -j parse", C),
    "case retention due": ("case retention due", C),
    "case retention erase": ("case retention erase 1 -j 'no longer needed'", L),
    "case retention extend": ("case retention extend 1 -j 'still needed'", L),
    "case disclose": ("case disclose 1 --format csv --recipient X -j jit", C),
    "case approve": ("case approve 2 -j ok", SUP),
    "case refuse": ("case refuse 2 -j no", SUP),
    "case export": ("case export 1 --out {d}/out.json", {"analyst"}),
    "case report": ("case report 3 --out {d}/report", {"analyst"}),
    "case import": (
        "case import 1 {d}/partner.json --format stix --partner Europol -j 'JIT exchange'",
        C,
    ),
    "case correct": ("case correct 1 note:1 -j 'wrong country'", C),
    "case notices": ("case notices 1", C),
    "user add": ("user add newbie --role trainee", {"admin"}),
    "user passwd": ("user passwd ben", {"admin"}),
    "user list": ("user list", {"admin"}),
    "audit verify": ("audit verify", {"auditor", "admin", "supervisor"}),
    "audit log": ("audit log --case 1", {"auditor", "supervisor"}),
    "audit export": ("audit export --out {d}/a.json --key {d}/agency.key", {"auditor"}),
}


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    monkeypatch.setenv("DARKRANGE_PASSWORD", PASSWORD)
    monkeypatch.setenv("DARKRANGE_NEW_PASSWORD", "another long password")

    def become(name: str) -> None:
        monkeypatch.setenv("DARKRANGE_USER", name)

    return become


@pytest.mark.slow  # about 200 CLI runs: 30-90 s on two busy cores
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_role_against_every_command(
    command: str,
    prepared: Path,
    signed_package: tuple[Path, Path],
    tmp_path: Path,
    as_user: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words, allowed = COMMANDS[command]
    for role, name in sorted(ROLE_USER.items()):
        run = tmp_path / role
        run.mkdir()
        shutil.copyfile(prepared / "cases.db", run / "cases.db")
        shutil.copyfile(prepared / "partner.json", run / "partner.json")
        shutil.copyfile(prepared / "trace.json", run / "trace.json")
        shutil.copyfile(signed_package[0], run / "ironside.wacz")
        shutil.copyfile(signed_package[1], run / "agency.key")
        monkeypatch.setenv("DARKRANGE_DATABASE_URL", f"sqlite:///{run / 'cases.db'}")
        as_user(name)
        capsys.readouterr()
        code = main([w.replace("{d}", str(run)) for w in shlex.split(words)])
        said = capsys.readouterr().err
        if role in allowed:
            assert code == 0, f"{command} as {role}: exit {code}: {said}"
        else:
            assert code == 2 and "access denied" in said, f"{command} as {role}: {code} {said}"


def test_a_scripted_investigation(
    tmp_path: Path,
    signed_package: tuple[Path, Path],
    as_user: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = str(tmp_path / "cases.db")
    key = str(signed_package[1])
    assert main(["case", "list", "--db", db, "--user", "x"]) == 3  # not set up yet
    assert main(["case", "db", "upgrade", "--db", db]) == 0
    monkeypatch.setenv("DARKRANGE_NEW_PASSWORD", PASSWORD)
    assert main(["user", "add", "root", "--role", "analyst", "--db", db]) == 2  # first is admin
    assert main(["user", "add", "root", "--role", "admin", "--db", db]) == 0
    as_user("root")
    for name in ("ana", "sue", "sam"):
        role = "analyst" if name == "ana" else "supervisor"
        assert main(["user", "add", name, "--role", role, "--db", db]) == 0
    monkeypatch.setenv("DARKRANGE_PASSWORD", "wrong password!")
    assert main(["user", "list", "--db", db]) == 2
    monkeypatch.setenv("DARKRANGE_PASSWORD", PASSWORD)
    as_user("ana")
    steps = [
        [
            "case",
            "create",
            "--title",
            "ironside",
            "--purpose",
            "Investigate firearm sales",
            "--legal-basis",
            "CCP art. 126 order 2030/17",
            "--agency",
            "Customs",
        ],
        ["case", "add-member", "1", "sue", "--need-to-know", "supervises the case"],
        ["case", "add-member", "1", "sam", "--need-to-know", "approves disclosures"],
        ["case", "add-person", "1", "--category", "suspect", "--name", "John Doe"],
        ["case", "add-person", "1", "--category", "victim", "--name", "Jane Roe"],
        ["case", "add-account", "1", "--site", ONION_A, "--handle", "ironside", "--person", "1"],
        ["case", "add-evidence", "1", str(signed_package[0]), "--vault", str(tmp_path / "vault")],
        [
            "case",
            "add-note",
            "1",
            "--text",
            "Sells pistols",
            "--kind",
            "fact",
            "--about",
            "account:1",
        ],
        ["case", "disclose", "1", "--format", "stix", "--recipient", "Europol", "-j", "JIT"],
    ]
    for argv in steps:
        assert main([*argv, "--db", db]) == 0, (argv, capsys.readouterr().err)
    assert main(["case", "show", "1", "--db", db]) == 2
    assert "consultation needs a justification" in capsys.readouterr().err
    as_user("sam")
    assert main(["case", "approve", "1", "-j", "proportionate", "--db", db]) == 0
    as_user("ana")
    bundle = tmp_path / "ironside.stix.json"
    assert main(["case", "export", "1", "--out", str(bundle), "--db", db]) == 0, capsys.readouterr()
    text = bundle.read_text()
    assert "Jane Roe" not in text and "ironside" in text
    assert (
        main(
            [
                "case",
                "create",
                "--title",
                "copy",
                "--purpose",
                "Receive partner data",
                "--legal-basis",
                "JIT agreement 2030/3",
                "--agency",
                "Police",
                "--db",
                db,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "case",
                "import",
                "2",
                str(bundle),
                "--format",
                "stix",
                "--partner",
                "Customs",
                "-j",
                "JIT exchange",
                "--db",
                db,
            ]
        )
        == 0
    ), capsys.readouterr().err
    assert main(["case", "show", "2", "-j", "check the import", "--db", db]) == 0
    assert "2 person" in capsys.readouterr().out
    assert main(["case", "evidence", "show", "1", "-j", "court", "--db", db]) == 0
    shown = capsys.readouterr().out
    assert "collected" in shown and "disclosed" in shown and "intact" in shown
    as_user("root")
    assert main(["audit", "verify", "--db", db]) == 0
    assert "intact" in capsys.readouterr().out
    from sqlalchemy import create_engine
    from sqlalchemy import text as sql

    engine = create_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        conn.execute(sql("DROP TRIGGER audit_log_no_update"))
        conn.execute(sql("UPDATE audit_log SET justification = 'x' WHERE seq = 6"))
    engine.dispose()
    assert main(["audit", "verify", "--db", db]) == 2
    assert "broken at seq 6" in capsys.readouterr().err
    assert key


def test_toolkit_findings_go_into_a_case(
    prepared: Path,
    tmp_path: Path,
    as_user: Callable[[str], None],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import select

    from darkrange.case._schema_items import Listing, Trace

    shutil.copyfile(prepared / "cases.db", tmp_path / "cases.db")
    monkeypatch.setenv("DARKRANGE_DATABASE_URL", f"sqlite:///{tmp_path / 'cases.db'}")
    as_user("ana")
    good = tmp_path / "trace.json"
    good.write_text(json.dumps(TRACE))
    assert main(["case", "add-trace", "1", str(good)]) == 0
    listing = ["case", "add-listing", "1", "--account", "1", "--url", "http://x.onion/l/9"]
    assert main([*listing, "--title", "Glock 19", "--seen", "2030-01-02T03:00"]) == 0
    capsys.readouterr()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"links": [{"hop": 1}]}))
    assert main(["case", "add-trace", "1", str(bad)]) != 0
    assert "link 0 has no txid" in capsys.readouterr().err
    bad.write_text("{not json")
    assert main(["case", "add-trace", "1", str(bad)]) != 0
    assert "not JSON" in capsys.readouterr().err
    assert main([*listing, "--title", "x", "--seen", "yesterday"]) != 0
    assert "--seen wants an ISO date" in capsys.readouterr().err
    store = Store(f"sqlite:///{tmp_path / 'cases.db'}", ManualClock(START))
    with store.session() as session:
        traces = session.execute(select(Trace)).scalars().all()
        listings = session.execute(select(Listing)).scalars().all()
        assert [t.title for t in traces] == ["forward trace of address bc1qexample"]
        assert [h["txid"] for h in traces[0].hops] == ["ab" * 32, "cd" * 32]
        assert [(x.title, x.seen is not None) for x in listings] == [("Glock 19", True)]
    store.close()
