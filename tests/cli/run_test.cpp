// SPDX-License-Identifier: MIT
// run(): how flag errors reach the user, whatever the subcommand.
#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using hooks::testing::run_cli;

namespace {

int count_lines(const std::string& text) {
    int lines = 0;
    for (char c : text) {
        lines += c == '\n' ? 1 : 0;
    }
    return lines;
}

} // namespace

TEST_CASE("an out-of-range or malformed number is one line naming the option, value and range",
          "[cli]") {
    struct Case {
        std::vector<std::string> args;
        std::string expected;
    };
    std::vector<Case> cases = {
        {{"listen", "--port", "99999"}, "--port: '99999' is not a whole number from 0 to 65535"},
        {{"listen", "--port", "-1"}, "--port: '-1' is not a whole number from 0 to 65535"},
        {{"listen", "--fail-first", "x"}, "--fail-first: 'x' is not a whole number from 0 to"},
        {{"listen", "--fail-rate", "2"}, "--fail-rate: '2' is not a number from 0 to 1"},
        {{"listen", "--respond", "99"},
         "--respond '99': expected STATUS (200 to 599) or @FILE, optionally after GLOB="},
        {{"send", "http://127.0.0.1:9/", "--retries", "-1"},
         "--retries: '-1' is not a whole number from 0 to"},
        {{"send", "http://127.0.0.1:9/", "--time-scale", "abc"},
         "--time-scale: 'abc' is not a number from 0 to 1000"},
        {{"replay", "x.jsonl", "--to", "http://127.0.0.1:9", "--concurrency", "1.5"},
         "--concurrency: '1.5' is not a whole number from 1 to 1024"},
        {{"verify", "--now", "soon", "-"}, "--now: 'soon' is not a whole number from 0 to"},
    };
    for (const Case& c : cases) {
        INFO(c.args[0] << ' ' << c.args[1] << ' ' << c.args[2]);
        auto result = run_cli(c.args);
        CHECK(result.exit_code == 2);
        CHECK(result.out.empty());
        CHECK(count_lines(result.err) == 1);
        CHECK_THAT(result.err, Catch::StartsWith("hooks: error: " + c.expected));
    }
}

TEST_CASE("a flag error is printed as it is, not rewritten around a secret's text", "[cli]") {
    // The secret "s" is inside "--time-scale": an error must still name the option whole.
    auto result = run_cli({"send", "http://127.0.0.1:9/", "--secret", "s", "--time-scale", "5000"});
    CHECK(result.exit_code == 2);
    CHECK_THAT(result.err, Catch::StartsWith("hooks: error: --time-scale: '5000' is not a number "
                                             "from 0 to 1000"));
    auto stamped = run_cli({"sign", "--provider", "stripe", "--secret", "s", "--timestamp", "x"});
    CHECK_THAT(stamped.err, Catch::StartsWith("hooks: error: --timestamp: 'x'"));
}
