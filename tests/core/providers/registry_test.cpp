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

namespace {

// The provider detection picks, or the error's message when it picks none.
std::string detected(const message::Message& message) {
    static const auto k_registry = providers::Registry::builtin();
    auto found = k_registry.detect(message);
    return found ? found->scheme->info().name + " by " + found->decided_by
                 : "error: " + found.error().message;
}

} // namespace

TEST_CASE("detection tells apart providers that share a signature header", "[providers]") {
    // X-Hub-Signature: GitHub's legacy SHA-1, Intercom (the same scheme) and Bitbucket (sha256=).
    CHECK(detected(make_message({{"X-Hub-Signature", "sha1=ab"}}, "")) ==
          "error: cannot tell the provider: github-sha1 (X-Hub-Signature), intercom "
          "(X-Hub-Signature) all match; pass --provider");
    CHECK(detected(make_message({{"X-Hub-Signature", "sha1=ab"}, {"X-GitHub-Event", "push"}},
                                "")) == "github-sha1 by X-Hub-Signature with X-GitHub-Event");
    CHECK(detected(make_message({{"X-Hub-Signature", "sha256=ab"}}, "")) ==
          "bitbucket by X-Hub-Signature");
    CHECK(detected(make_message({{"X-Event-Key", "repo:push"}, {"X-Hub-Signature", "sha256=ab"}},
                                "")) == "bitbucket by X-Hub-Signature with X-Event-Key");
    CHECK(detected(make_message(
              {{"X-Hub-Signature", "sha1=ab"}, {"X-Hub-Signature-256", "sha256=cd"}}, "")) ==
          "github by X-Hub-Signature-256");
    // HubSpot: v1 and v2 share a header and differ in X-HubSpot-Signature-Version; v3 comes
    // with one of them.
    CHECK(detected(make_message({{"X-HubSpot-Signature", "ab"}}, "")) ==
          "error: cannot tell the provider: hubspot-v1 (X-HubSpot-Signature), hubspot-v2 "
          "(X-HubSpot-Signature) all match; pass --provider");
    CHECK(detected(make_message(
              {{"X-HubSpot-Signature", "ab"}, {"X-HubSpot-Signature-Version", "v2"}}, "")) ==
          "hubspot-v2 by X-HubSpot-Signature with X-HubSpot-Signature-Version: v2");
    CHECK(detected(make_message({{"X-HubSpot-Signature", "ab"},
                                 {"X-HubSpot-Signature-Version", "v1"},
                                 {"X-HubSpot-Signature-v3", "cd"},
                                 {"X-HubSpot-Request-Timestamp", "1"}},
                                "")) == "hubspot-v3 by X-HubSpot-Signature-v3");
    // Same value syntax, different header: decided by the name, never the value.
    CHECK(detected(make_message({{"x-zm-signature", "v0=ab"}}, "")) == "zoom by x-zm-signature");
    CHECK(detected(make_message({{"Mux-Signature", "t=1,v1=ab"}}, "")) == "mux by Mux-Signature");
    CHECK(detected(make_message({{"Twitch-Eventsub-Message-Signature", "sha256=ab"}}, "")) ==
          "twitch by Twitch-Eventsub-Message-Signature");
}

TEST_CASE("the built-in names are the built-in providers' names, in order", "[providers]") {
    std::vector<std::string> built;
    const auto registry = providers::Registry::builtin();
    for (const auto& scheme : registry.all()) {
        built.push_back(scheme->info().name);
    }
    std::vector<std::string> listed;
    for (std::string_view name : providers::Registry::builtin_names()) {
        listed.emplace_back(name);
    }
    CHECK(listed == built);
    CHECK(listed.size() == 38);
}
