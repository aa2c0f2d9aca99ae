"""Measuring the built site: which pages it holds, a loopback server, page weight.

Shared by the quality tests (tests/quality/) and the benchmark scripts (benchmarks/), so a
figure printed by a script is computed exactly as the test that guards it. Nothing here runs
during a build; Playwright is imported only by the functions that drive the browser.
"""
