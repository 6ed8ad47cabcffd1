// SPDX-License-Identifier: MIT
#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using hooks::testing::run_cli;

namespace {
hooks::testing::CliResult sign(std::vector<std::string> args, const std::string& body) {
    return hooks::testing::run_with_body("sign", std::move(args), body);
}
} // namespace

TEST_CASE("sign prints the provider's headers in order, one per line", "[cli]") {
    auto result = sign({"--provider", "standard", "--secret", "whsec_c2VjcmV0", "--id", "msg_1",
                        "--timestamp", "1700000000"},
                       "{}");
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::StartsWith("webhook-id: msg_1\nwebhook-timestamp: 1700000000\n"
                                             "webhook-signature: v1,"));
    CHECK(result.err.empty());
}

TEST_CASE("sign defaults the timestamp to now and the id to a fresh msg_ id", "[cli]") {
    auto first = sign({"--provider", "svix", "--secret", "whsec_c2VjcmV0"}, "{}");
    auto second = sign({"--provider", "svix", "--secret", "whsec_c2VjcmV0"}, "{}");
    CHECK_THAT(first.out, Catch::Contains("svix-timestamp: 1700000000"));
    CHECK_THAT(first.out, Catch::StartsWith("svix-id: msg_"));
    CHECK(first.out != second.out);
}

TEST_CASE("sign --json prints the headers as name/value pairs", "[cli]") {
    auto result = sign({"--provider", "github", "--secret", "s", "--json"}, "x");
    auto document = nlohmann::json::parse(result.out);
    CHECK(document["v"] == 1);
    CHECK(document["headers"][0][0] == "X-Hub-Signature-256");
}

TEST_CASE("sign with two secrets gives two signatures where the provider allows it", "[cli]") {
    auto stripe = sign(
        {"--provider", "stripe", "--secret", "a", "--secret", "b", "--timestamp", "1700000000"},
        "{}");
    CHECK(stripe.exit_code == 0);
    CHECK(std::count(stripe.out.begin(), stripe.out.end(), '=') == 3);
    auto github = sign({"--provider", "github", "--secret", "a", "--secret", "b"}, "{}");
    CHECK(github.exit_code == 2);
    CHECK_THAT(github.err, Catch::Contains("single signature"));
}

TEST_CASE("sign usage errors exit 2", "[cli]") {
    CHECK(sign({"--secret", "s"}, "{}").exit_code == 2);
    CHECK(sign({"--provider", "github"}, "{}").exit_code == 2);
    auto injected = sign(
        {"--provider", "standard", "--secret", "whsec_c2VjcmV0", "--id", "a\r\nX-Evil: 1"}, "{}");
    CHECK(injected.exit_code == 2);
    CHECK(sign({"--provider", "twilio", "--secret", "t"}, "a=b").exit_code == 2);
    CHECK(sign({"--provider", "stripe", "--secret", "s", "--timestamp", "soon"}, "{}").exit_code ==
          2);
}

TEST_CASE("the binary's own help and version exit 0, no command exits 2", "[cli]") {
    CHECK(run_cli({"--help"}).exit_code == 0);
    CHECK(run_cli({"sign", "--help"}).exit_code == 0);
    auto version = run_cli({"--version"});
    CHECK(version.exit_code == 0);
    CHECK_THAT(version.out, Catch::StartsWith("hooks "));
    auto nothing = run_cli({});
    CHECK(nothing.exit_code == 2);
    CHECK_THAT(nothing.err, Catch::Contains("Subcommands"));
}
