// SPDX-License-Identifier: MIT
#include "core/events/delivery_template.hpp"

#include <catch2/catch.hpp>
#include <random>

using namespace hooks;
using events::BuildInput;
using events::DeliveryTemplate;
using events::UnsignedRequest;

namespace {

const std::vector<std::string> k_providers{
    "codenx", "codex",       "cognexia", "fluxbase", "centrali", "standard", "svix",   "stripe",
    "github", "github-sha1", "slack",    "shopify",  "paddle",   "twilio",   "discord"};

/// What build_delivery() makes of `input` with `id` and `timestamp`: the reference.
UnsignedRequest direct(BuildInput input, const std::string& id, providers::UnixMillis timestamp) {
    input.id = id;
    input.timestamp = timestamp;
    auto built = events::build_delivery(input);
    REQUIRE(built);
    return *built;
}

void check_same(const UnsignedRequest& made, const UnsignedRequest& expected) {
    CHECK(made.body == expected.body);
    CHECK(made.headers == expected.headers);
    CHECK(made.content_type == expected.content_type);
    CHECK(made.method == expected.method);
}

/// Fresh-looking ids and timestamps between 2001 and 2099, a few per case.
struct Samples {
    std::mt19937_64 random{20261123};
    std::string id(const std::string& prefix) {
        static constexpr char k_letters[] =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        std::string text = prefix;
        for (int i = 0; i < 24; ++i) {
            text += k_letters[random() % (sizeof k_letters - 1)];
        }
        return text;
    }
    providers::UnixMillis timestamp() {
        return providers::UnixMillis{
            static_cast<long long>(1'000'000'000'000ULL + random() % 3'000'000'000'000ULL)};
    }
};

} // namespace

TEST_CASE("a delivery template gives build_delivery's bytes for every event", "[events]") {
    Samples samples;
    std::size_t filled_in = 0;
    std::size_t cases = 0;
    for (const std::string& provider : k_providers) {
        for (const auto& event : events::list_events(provider)) {
            BuildInput input;
            input.provider = provider;
            input.event = event.name;
            auto made = DeliveryTemplate::create(input);
            REQUIRE(made);
            filled_in += made->is_filled_in() ? 1U : 0U;
            ++cases;
            for (const char* prefix : {"evt_", "", "msg_"}) {
                std::string id = samples.id(prefix);
                auto timestamp = samples.timestamp();
                INFO(provider << " " << event.name << " " << id << " " << timestamp.count());
                auto built = made->build(id, timestamp);
                REQUIRE(built);
                check_same(*built, direct(input, id, timestamp));
            }
        }
    }
    // Form bodies (Twilio) are built in full; JSON envelopes are filled in.
    CHECK(filled_in + 4 >= cases);
    CHECK(filled_in > 0);
}

TEST_CASE("a delivery template with the user's data, sets and maps stays exact", "[events]") {
    Samples samples;
    std::vector<BuildInput> inputs(4);
    inputs[0].provider = "stripe";
    inputs[0].data = R"({"id":"in_1","amount":1.0,"note":"caf\u00e9 \"q\""})";
    inputs[1].provider = "codenx";
    inputs[1].event = "record.updated";
    inputs[1].sets = {{"record.status", "\"paid\""}, {"/meta/when", "2026-01-01T00:00:00Z"}};
    inputs[2].provider = "codex";
    inputs[2].maps = {{"Id", "/object/id"}, {"When", "/object/system/updatedAt"}};
    inputs[3].provider = "github";
    inputs[3].event = "push";
    for (const BuildInput& input : inputs) {
        auto made = DeliveryTemplate::create(input);
        INFO(input.provider << ": " << (made ? "" : made.error().message));
        REQUIRE(made);
        std::string id = samples.id("evt_");
        auto timestamp = samples.timestamp();
        INFO(input.provider << " " << id);
        auto built = made->build(id, timestamp);
        REQUIRE(built);
        check_same(*built, direct(input, id, timestamp));
    }
}

TEST_CASE("a delivery template is not used where its stand-ins cannot stand", "[events]") {
    // The user's data holds the template's own stand-in texts: the check catches it and every
    // delivery is built in full, still exact.
    BuildInput input;
    input.provider = "stripe";
    input.data = R"({"a":"hk9first_sTaNdIn7q","b":4102444800,"c":"2100-01-01T00:00:00Z"})";
    auto made = DeliveryTemplate::create(input);
    REQUIRE(made);
    CHECK_FALSE(made->is_filled_in());
    providers::UnixMillis timestamp{1742035320123};
    auto built = made->build("evt_1", timestamp);
    REQUIRE(built);
    check_same(*built, direct(input, "evt_1", timestamp));

    // An id that is not plain text is built in full too, and fails as build_delivery does.
    BuildInput plain;
    plain.provider = "github";
    auto github = DeliveryTemplate::create(plain);
    REQUIRE(github);
    CHECK(github->is_filled_in());
    auto odd = github->build("a\"b c", timestamp);
    auto expected = events::build_delivery([&] {
        BuildInput copy = plain;
        copy.id = "a\"b c";
        copy.timestamp = timestamp;
        return copy;
    }());
    REQUIRE(odd.has_value() == expected.has_value());
    if (odd) {
        check_same(*odd, *expected);
    }
    auto bad = github->build("bad\r\nid", timestamp);
    CHECK_FALSE(bad);
}

TEST_CASE("a delivery template fails as build_delivery does on bad input", "[events]") {
    BuildInput input;
    input.provider = "stripe";
    input.event = "nope.nope";
    auto made = DeliveryTemplate::create(input);
    REQUIRE_FALSE(made);
    CHECK(made.error().message.find("unknown event") != std::string::npos);
}
