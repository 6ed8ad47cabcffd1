// SPDX-License-Identifier: MIT
#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using hooks::testing::run_cli;

TEST_CASE("providers lists every provider with a one-line scheme", "[cli]") {
    auto result = run_cli({"providers"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out,
               Catch::Contains("\nmux               Mux: 't=<ts>,v1=<hex HMAC-SHA256 of") &&
                   Catch::Contains("\ncentrali          Centrali workspace webhooks") &&
                   Catch::Contains("\ndiscord           Discord interactions: Ed25519"));
    // Every provider PRODUCT.md names, one line each.
    for (const char* name : {"standard",   "svix",        "stripe",
                             "github",     "github-sha1", "slack",
                             "shopify",    "twilio",      "square",
                             "paddle",     "zoom",        "linear",
                             "discord",    "twitch",      "intercom",
                             "hubspot-v1", "hubspot-v2",  "hubspot-v3",
                             "typeform",   "bitbucket",   "coinbase-commerce",
                             "razorpay",   "calendly",    "dropbox",
                             "mux",        "pagerduty",   "vercel",
                             "segment",    "sentry",      "codenx",
                             "codex",      "cognexia",    "fluxbase",
                             "centrali"}) {
        INFO(name);
        CHECK_THAT("\n" + result.out, Catch::Contains("\n" + std::string(name) + " "));
    }
}

TEST_CASE("providers NAME ends with a worked example that verifies when pasted", "[cli]") {
    // All of them run as shell scripts in cli.examples (tests/cli/check_examples.py).
    for (const char* name : {"mux", "hubspot-v3", "twitch", "square", "stripe", "pagerduty"}) {
        INFO(name);
        auto details = run_cli({"providers", name});
        REQUIRE(details.exit_code == 0);
        auto at = details.out.find("hooks verify ");
        REQUIRE(at != std::string::npos);
        // Run the printed verify command's arguments (the shell's quoting undone).
        std::string command = details.out.substr(at + 13);
        command = command.substr(0, command.find(" body.json"));
        std::vector<std::string> args;
        for (size_t i = 0; i < command.size();) {
            if (command[i] == ' ' || command[i] == '\\' || command[i] == '\n') {
                ++i;
            } else if (command[i] == '\'') {
                size_t end = command.find('\'', i + 1);
                args.push_back(command.substr(i + 1, end - i - 1));
                i = end + 1;
            } else {
                size_t end = command.find_first_of(" \n", i);
                args.push_back(command.substr(i, end - i));
                i = end == std::string::npos ? command.size() : end;
            }
        }
        auto verified = hooks::testing::run_with_body("verify", args, R"({"hello":"world"})");
        CHECK(verified.exit_code == 0);
        CHECK_THAT(verified.out, Catch::StartsWith("valid: " + std::string(name)));
    }
}

TEST_CASE("providers NAME explains the scheme, tolerance and key format", "[cli]") {
    auto result = run_cli({"providers", "standard"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("signed content:   {id}.{timestamp}.{body}") &&
                               Catch::Contains("300 s, in the past and the future") &&
                               Catch::Contains("whsec_"));
    auto json = nlohmann::json::parse(run_cli({"providers", "stripe", "--json"}).out);
    CHECK(json["tolerance_seconds"] == 300);
    CHECK(json["rejects_future"] == false);
    CHECK(run_cli({"providers", "nope"}).exit_code == 2);
}
