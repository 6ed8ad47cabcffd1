// SPDX-License-Identifier: MIT
#include "core/providers/registry.hpp"
#include "support/provider_fixtures.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using namespace hooks::testing;

TEST_CASE("the registry holds every provider this release promises", "[providers]") {
    auto registry = providers::Registry::builtin();
    for (const char* name :
         {"standard", "svix", "stripe", "github", "github-sha1", "slack", "shopify", "twilio",
          "paddle", "discord", "codenx", "cognexia", "fluxbase", "centrali"}) {
        INFO(name);
        CHECK(registry.find(name));
    }
    auto unknown = registry.find("nope");
    REQUIRE_FALSE(unknown);
    CHECK_THAT(unknown.error().message, Catch::Contains("known: standard"));
}

TEST_CASE("detection picks the provider whose signature header is present", "[providers]") {
    auto registry = providers::Registry::builtin();
    auto stripe = registry.detect(make_message({{"stripe-signature", "t=1,v1=a"}}, ""));
    REQUIRE(stripe);
    CHECK(stripe->scheme->info().name == "stripe");
    auto github = registry.detect(
        make_message({{"X-Hub-Signature", "sha1=a"}, {"X-Hub-Signature-256", "sha256=b"}}, ""));
    REQUIRE(github);
    CHECK(github->scheme->info().name == "github");
    CHECK(github->decided_by == "X-Hub-Signature-256");
    auto svix = registry.detect(
        make_message({{"webhook-signature", "v1,a"}, {"svix-signature", "v1,a"}}, ""));
    REQUIRE(svix);
    CHECK(svix->scheme->info().name == "svix");
}

TEST_CASE("detection fails on no signature header or on two providers' headers", "[providers]") {
    auto registry = providers::Registry::builtin();
    auto none = registry.detect(make_message({{"Content-Type", "application/json"}}, ""));
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::negative);
    auto both = registry.detect(
        make_message({{"Stripe-Signature", "t=1,v1=a"}, {"x-codenx-signature", "ab"}}, ""));
    REQUIRE_FALSE(both);
    CHECK_THAT(both.error().message,
               Catch::Contains("stripe (Stripe-Signature), codenx (x-codenx-signature)"));
}

TEST_CASE("a profile file adds providers and may replace a built-in one", "[providers]") {
    auto registry = providers::Registry::builtin();
    size_t before = registry.all().size();
    REQUIRE(registry.add_profiles(R"([
        {"name":"acme","signature_header":"X-Acme","signed_content":"{body}"},
        {"name":"github","title":"GitHub Enterprise","signature_header":"X-Hub-Signature-256",
         "signed_content":"{body}","signature_prefix":"sha256="}])"));
    CHECK(registry.all().size() == before + 1);
    CHECK(registry.find("github").value()->info().title == "GitHub Enterprise");
    CHECK_FALSE(registry.add_profiles("[1]"));
}
