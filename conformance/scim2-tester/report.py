"""Runs scim2-tester against one SCIM base URL and reports each check result.

scim2-tester is a library (its own CLI lives in scim2-cli, which cannot select checks and counts
skips as failures), so this driver calls `scim2_tester.check_server` directly. It needs the venv
that `run` prepares; everything else here is the standard library.

    python report.py --url http://127.0.0.1:8080/scim/v2/conformance [--include TAG] [--exclude TAG]
                     [--resource-type NAME] [--scim-media-type] [--verbose] [--json FILE]
    python report.py --list-tags

The bearer token is read from the SCIM_TOKEN environment variable, never from the command line,
so that it does not show in the process list. The last line printed is
`scim2-tester: N passed, M failed[, K skipped]`; the exit status is 0 when nothing failed,
1 when a check failed, 2 when the checker itself could not run.
"""

import argparse
import json
import os
import sys
from importlib.metadata import version

# SUCCESS, COMPLIANT and ACCEPTABLE all describe behaviour the RFCs allow; DEVIATION breaks a
# SHOULD, ERROR a MUST and CRITICAL is worse, so they count against the server.
PASSED = {"SUCCESS", "COMPLIANT", "ACCEPTABLE"}
SKIPPED = {"SKIPPED"}
DATA_LIMIT = 1500


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Run scim2-tester against a SCIM server.")
    parser.add_argument("--url", help="SCIM base URL (the one /Users hangs from); required unless --list-tags")
    parser.add_argument("--include", action="append", default=[], metavar="TAG",
                        help="run only checks with this tag (repeatable), e.g. discovery, crud:read, patch")
    parser.add_argument("--exclude", action="append", default=[], metavar="TAG",
                        help="skip checks with this tag (repeatable)")
    parser.add_argument("--resource-type", action="append", default=[], metavar="NAME",
                        help="test only this resource type (repeatable), e.g. User")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds allowed for each HTTP request (default 30)")
    parser.add_argument("--scim-media-type", action="store_true",
                        help="send Accept and Content-Type application/scim+json, as identity providers do "
                             "(default: application/json and */*, what scim2-cli sends)")
    parser.add_argument("--verbose", action="store_true",
                        help="print the debugging data of passed checks too")
    parser.add_argument("--json", metavar="FILE", help="also write every result to FILE as JSON")
    parser.add_argument("--list-tags", action="store_true", help="print the known tags and exit")
    arguments = parser.parse_args(argv)
    if not arguments.url and not arguments.list_tags:
        parser.error("--url is required")
    return arguments


def one_line(value):
    """Keeps a report line on one line and free of terminal control characters."""
    text = str(value)
    return "".join(ch if ch.isprintable() else " " for ch in text.replace("\n", " | "))


def describe_data(data):
    """Renders the debugging data a result carries, short enough for a CI log."""
    if data is None:
        return None
    if hasattr(data, "model_dump"):
        try:
            data = data.model_dump(mode="json", exclude_none=True)
        except Exception:
            pass
    if hasattr(data, "status_code") and hasattr(data, "text"):
        data = f"HTTP {data.status_code} {data.text}"
    try:
        text = data if isinstance(data, str) else json.dumps(data, default=str)
    except Exception:
        text = repr(data)
    text = one_line(text)
    return text if len(text) <= DATA_LIMIT else text[:DATA_LIMIT] + " …"


def outcome(status_name):
    if status_name in PASSED:
        return "passed"
    if status_name in SKIPPED:
        return "skipped"
    return "failed"


def keep_base_checks_on_exclude(exclude_tags):
    """Works around scim2-tester 0.5.2 skipping its "*" checks whenever any tag is excluded.

    The checks tagged "*" (the ServiceProviderConfig, ResourceTypes and Schemas queries) are meant
    to always run, as everything else is built from what they return. Its tag matcher answers
    "matches" for "*" to the exclusion list as well, so `--exclude patch` skipped them, the run
    stopped after discovery and still ended with 0 failed. The checker decorator looks the matcher
    up at call time, so wrapping it here is enough; it is told which list it is given by identity.
    """
    import scim2_tester.utils as utils

    original = getattr(utils, "_matches_hierarchical_tags", None)
    if not exclude_tags or original is None:
        return

    def matches(function_tags, filter_tags):
        if filter_tags is exclude_tags and "*" in function_tags:
            return False
        return original(function_tags, filter_tags)

    utils._matches_hierarchical_tags = matches


def main(argv):
    arguments = parse_arguments(argv)

    # Imported here so that --help works even outside the venv.
    from httpx2 import Client
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server, get_all_available_tags

    if arguments.list_tags:
        print("\n".join(get_all_available_tags()))
        return 0

    headers = {}
    if arguments.scim_media_type:
        headers["Accept"] = "application/scim+json"
        headers["Content-Type"] = "application/scim+json"
    token = os.environ.get("SCIM_TOKEN", "")
    if token:
        headers["Authorization"] = f"Bearer {token}"

    print(f"scim2-tester {version('scim2-tester')} (scim2-client {version('scim2-client')}, "
          f"scim2-models {version('scim2-models')}) against {arguments.url}", flush=True)

    exclude_tags = set(arguments.exclude) or None
    keep_base_checks_on_exclude(exclude_tags)

    http = Client(base_url=arguments.url, headers=headers, timeout=arguments.timeout)
    client = SyncSCIMClient(http)
    try:
        results = check_server(
            client,
            include_tags=set(arguments.include) or None,
            exclude_tags=exclude_tags,
            resource_types=arguments.resource_type or None,
        )
    except Exception as error:  # check_server catches per-check errors; this is the tool failing
        print(f"CHECKER ERROR {type(error).__name__}: {one_line(error)}", flush=True)
        print("scim2-tester: 0 passed, 1 failed")
        return 2
    finally:
        http.close()

    counts = {"passed": 0, "failed": 0, "skipped": 0}
    records = []
    for result in results:
        status = result.status.name
        kind = outcome(status)
        counts[kind] += 1
        scope = f"[{result.resource_type}] " if result.resource_type else ""
        print(f"{status:<10} {scope}{result.title}")
        if result.reason:
            print(f"           {one_line(result.reason)}")
        data = describe_data(result.data) if (kind == "failed" or arguments.verbose) else None
        if data:
            print(f"           data: {data}")
        records.append({
            "status": status,
            "outcome": kind,
            "title": result.title,
            "resource_type": result.resource_type,
            "tags": sorted(result.tags),
            "reason": result.reason,
            "data": describe_data(result.data),
        })

    if arguments.json:
        with open(arguments.json, "w", encoding="utf-8") as handle:
            json.dump(records, handle, indent=2)

    # Per check name, so that a long PATCH sweep reads as one line in the summary.
    by_title = {}
    for record in records:
        key = (record["resource_type"] or "", record["title"])
        tally = by_title.setdefault(key, {"passed": 0, "failed": 0, "skipped": 0})
        tally[record["outcome"]] += 1
    print()
    print("per check:")
    for (resource_type, title), tally in by_title.items():
        scope = f"{resource_type}/" if resource_type else ""
        # Not in the "N passed, M failed" shape: only the closing line may read like that.
        print(f"  passed={tally['passed']:<3} failed={tally['failed']:<3} "
              f"skipped={tally['skipped']:<3} {scope}{title}")

    closing = f"scim2-tester: {counts['passed']} passed, {counts['failed']} failed"
    if counts["skipped"]:
        closing += f", {counts['skipped']} skipped"
    print(closing)
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
