// SPDX-License-Identifier: MIT
#include "support/cli_runner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using hooks::testing::run_cli;

TEST_CASE("providers lists every provider with its signature header", "[cli]") {
    auto result = run_cli({"providers"});
    CHECK(result.exit_code == 0);
    CHECK_THAT(result.out, Catch::Contains("stripe") && Catch::Contains("Stripe-Signature") &&
                               Catch::Contains("centrali") && Catch::Contains("discord"));
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
