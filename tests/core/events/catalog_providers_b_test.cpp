// SPDX-License-Identifier: MIT
// The catalog entries, delivery facts and event headers of gitlab, bitbucket, coinbase-commerce,
// razorpay, calendly, dropbox, mux, pagerduty, vercel, segment, sentry and postmark
// (src/core/events/events_catalog_providers_b.json).
#include "core/events/catalog.hpp"
#include "core/events/delivery.hpp"
#include "support/catalog_fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

using namespace hooks;
using hooks::events::build_delivery;
using hooks::events::BuildInput;
using hooks::events::list_events;
using hooks::events::UnsignedRequest;

namespace {

// 2025-03-15T10:42:00.123Z
constexpr providers::UnixMillis k_now{1742035320123};
const std::string k_id = "0d6c4f7e-2b1a-4c8e-9f3d-5a7b1e2c4d6f";

/// What each provider's entry must give.
struct Expected {
    std::string provider;
    std::vector<std::string> events;
    /// The header that carries the delivery id, or "" when it is in the body or nowhere.
    std::string id_header;
    /// Where the body carries the id, or "".
    std::string id_pointer;
    /// The event headers every delivery has, with their values ("{{id}}" / "{{event}}" for the
    /// id passed in and the event's wire name).
    std::vector<std::pair<std::string, std::string>> headers;
    /// Where --data goes ("" for the whole body).
    std::string data_pointer;
    /// Whether describe_delivery reports an event type (Dropbox names none).
    bool has_event_type = true;
};

const std::vector<Expected>& expectations() {
    static const std::vector<Expected> k_expected{
        {"gitlab",
         {"push", "merge_request", "tag_push"},
         "Idempotency-Key",
         "",
         {{"User-Agent", "GitLab/17.6.0"},
          {"Idempotency-Key", "{{id}}"},
          {"X-Gitlab-Event", "{{event}}"},
          {"X-Gitlab-Instance", "https://gitlab.com"}},
         ""},
        {"bitbucket",
         {"repo:push", "pullrequest:created"},
         "X-Request-UUID",
         "",
         {{"X-Event-Key", "{{event}}"}, {"X-Request-UUID", "{{id}}"}, {"X-Attempt-Number", "1"}},
         ""},
        {"coinbase-commerce",
         {"charge:created", "charge:confirmed", "charge:failed"},
         "",
         "/event/id",
         {},
         "/event/data"},
        {"razorpay",
         {"payment.captured", "order.paid", "payment.failed"},
         "X-Razorpay-Event-Id",
         "",
         {{"X-Razorpay-Event-Id", "{{id}}"}},
         "/payload/payment/entity"},
        {"calendly", {"invitee.created", "invitee.canceled"}, "", "", {}, "/payload"},
        {"dropbox",
         {"list_folder", "list_folder.teams"},
         "",
         "",
         {{"User-Agent", "DropboxWebhooks/1.0"}},
         "",
         false},
        {"mux",
         {"video.asset.created", "video.asset.ready", "video.live_stream.active"},
         "",
         "/id",
         {},
         "/data"},
        {"pagerduty",
         {"incident.triggered", "incident.acknowledged", "incident.resolved"},
         "X-Webhook-Id",
         "",
         {{"X-Webhook-Id", "{{id}}"}},
         "/event/data"},
        {"vercel",
         {"deployment.created", "deployment.succeeded", "deployment.error", "project.created"},
         "",
         "/id",
         {},
         "/payload"},
        {"segment", {"track", "identify", "page"}, "", "/messageId", {}, ""},
        {"sentry",
         {"issue.created", "issue.resolved", "issue.assigned"},
         "Request-ID",
         "",
         {{"Request-ID", "{{id}}"}, {"Sentry-Hook-Resource", "issue"}},
         "/data/issue"},
        {"postmark", {"Delivery", "Bounce", "Open"}, "", "", {}, ""},
    };
    return k_expected;
}

// The signature headers the providers' signing adds: never in the catalog.
const std::vector<std::string> k_signature_headers{"X-Gitlab-Token",
                                                   "X-Hub-Signature",
                                                   "X-CC-Webhook-Signature",
                                                   "X-Razorpay-Signature",
                                                   "Calendly-Webhook-Signature",
                                                   "X-Dropbox-Signature",
                                                   "Mux-Signature",
                                                   "X-PagerDuty-Signature",
                                                   "x-vercel-signature",
                                                   "X-Signature",
                                                   "Sentry-Hook-Signature",
                                                   "Sentry-Hook-Timestamp",
                                                   "Authorization",
                                                   "Content-Type"};

BuildInput input_for(std::string provider, std::string event = "") {
    return hooks::testing::catalog_input(std::move(provider), std::move(event), k_id, k_now);
}

UnsignedRequest build(const BuildInput& input) {
    return hooks::testing::build_request(input);
}

nlohmann::ordered_json parsed(const std::string& body) {
    return nlohmann::ordered_json::parse(body);
}

std::optional<std::string> header_value(const UnsignedRequest& built, std::string_view name) {
    for (const message::Header& header : built.headers) {
        if (message::names_equal(header.name, name)) {
            return header.value;
        }
    }
    return std::nullopt;
}

events::DeliveryFacts facts_of(const std::string& provider, const UnsignedRequest& built) {
    message::Message message;
    message.headers = built.headers;
    message.body = built.body;
    return events::describe_delivery(provider, message);
}

/// The wire name behind {{event}}: GitLab's hook names and Sentry's resource.
std::string wire_name(const std::string& provider, const std::string& event) {
    if (provider == "gitlab") {
        return event == "push"
                   ? "Push Hook"
                   : (event == "merge_request" ? "Merge Request Hook" : "Tag Push Hook");
    }
    return provider == "sentry" ? event.substr(0, event.find('.')) : event;
}

void check_event(const Expected& want, const std::string& name) {
    INFO(want.provider << " " << name);
    UnsignedRequest built = build(input_for(want.provider, name));
    CHECK(built.method == "POST");
    CHECK(built.content_type == "application/json");
    CHECK(built.body.find("{{") == std::string::npos);
    CHECK(parsed(built.body).dump() == built.body);
    for (const auto& [header, value] : want.headers) {
        std::string expected = value == "{{id}}"      ? k_id
                               : value == "{{event}}" ? wire_name(want.provider, name)
                                                      : value;
        CHECK(header_value(built, header) == expected);
    }
    for (const std::string& header : k_signature_headers) {
        CHECK_FALSE(header_value(built, header));
    }
    auto facts = facts_of(want.provider, built);
    CHECK(facts.event_type == (want.has_event_type ? std::optional(name) : std::nullopt));
    bool carries_id = !want.id_header.empty() || !want.id_pointer.empty();
    CHECK(facts.id == (carries_id ? std::optional(k_id) : std::nullopt));
    if (!want.id_pointer.empty()) {
        CHECK(parsed(built.body).at(nlohmann::json::json_pointer(want.id_pointer)) == k_id);
    }
}

} // namespace

TEST_CASE("every provider-b event builds with its headers, id and event type", "[events]") {
    for (const Expected& want : expectations()) {
        std::vector<std::string> names;
        for (const auto& event : list_events(want.provider)) {
            CHECK_FALSE(event.summary.empty());
            names.push_back(event.name);
        }
        CHECK(names == want.events);
        for (const std::string& name : names) {
            check_event(want, name);
        }
    }
}

TEST_CASE("provider-b entries name the sources of envelope, headers and events", "[events]") {
    for (const Expected& want : expectations()) {
        INFO(want.provider);
        auto sources = events::list_sources(want.provider);
        REQUIRE(sources.size() == 3);
        CHECK(sources[0].first == "envelope");
        CHECK(sources[1].first == "headers");
        CHECK(sources[2].first == "events");
        for (const auto& [what, source] : sources) {
            CHECK(source.size() > 20);
            CHECK(source.find('\n') == std::string::npos);
        }
    }
    CHECK(events::list_sources("mux")[0].second.starts_with("@mux/mux-node BaseWebhookEvent"));
    CHECK(events::list_sources("pagerduty")[1].second.find("X-Webhook-Id") != std::string::npos);
}

TEST_CASE("provider-b --data and --set land where the provider's data is", "[events]") {
    for (const Expected& want : expectations()) {
        INFO(want.provider);
        BuildInput input = input_for(want.provider);
        input.data = R"({"id":"obj_1","amount":12.50})";
        std::string pointer = want.data_pointer;
        input.sets = {{pointer + "/note", "from --set"}};
        std::string body = build(input).body;
        // Inserted byte-exact (12.50 stays 12.50), the --set member after it.
        CHECK(body.find(R"({"id":"obj_1","amount":12.50,"note":"from --set"})") !=
              std::string::npos);
        CHECK(parsed(body).at(nlohmann::json::json_pointer(pointer + "/id")) == "obj_1");
        if (pointer.empty()) {
            CHECK(body == R"({"id":"obj_1","amount":12.50,"note":"from --set"})");
        }
    }
}

TEST_CASE("gitlab sends object_kind in the body and the hook name in X-Gitlab-Event", "[events]") {
    auto push = build(input_for("gitlab", "push"));
    CHECK(header_value(push, "X-Gitlab-Event") == "Push Hook");
    auto body = parsed(push.body);
    CHECK(body["object_kind"] == "push");
    CHECK(body["checkout_sha"] == body["after"]);
    CHECK(body["commits"][0]["timestamp"] == "2025-03-15T10:42:00Z");
    CHECK(body["project"]["path_with_namespace"] == "mike/diaspora");

    auto merge = build(input_for("gitlab", "merge_request"));
    CHECK(header_value(merge, "X-Gitlab-Event") == "Merge Request Hook");
    CHECK(parsed(merge.body)["object_attributes"]["action"] == "open");

    // A custom template drops object_kind: the header still names the event.
    message::Message custom;
    custom.headers = {{"X-Gitlab-Event", "Pipeline Hook"}, {"Idempotency-Key", "k-1"}};
    custom.body = R"({"status":"success"})";
    auto facts = events::describe_delivery("gitlab", custom);
    CHECK(facts.event_type == "Pipeline Hook");
    CHECK(facts.id == "k-1");
}

TEST_CASE("bitbucket reads the Cloud or Data Center request id", "[events]") {
    auto push = build(input_for("bitbucket", "repo:push"));
    CHECK(header_value(push, "X-Event-Key") == "repo:push");
    CHECK(parsed(push.body)["push"]["changes"][0]["new"]["target"]["hash"] ==
          "709d658dc5b6d6afcd46049c2f332ee3f515a67d");
    message::Message data_center;
    data_center.headers = {{"X-Event-Key", "repo:refs_changed"},
                           {"X-Request-Id", "3f2a0c1e-aaaa-bbbb-cccc-0123456789ab"}};
    data_center.body = R"({"eventKey":"repo:refs_changed"})";
    auto facts = events::describe_delivery("bitbucket", data_center);
    CHECK(facts.id == "3f2a0c1e-aaaa-bbbb-cccc-0123456789ab");
    CHECK(facts.event_type == "repo:refs_changed");
}

TEST_CASE("the provider-b envelopes carry ids and times as each provider writes them", "[events]") {
    auto coinbase = parsed(build(input_for("coinbase-commerce")).body);
    CHECK(coinbase.dump().starts_with(R"({"id":1,"scheduled_for":"2025-03-15T10:42:00Z",)"
                                      R"("attempt_number":1,"event":{"id":")" +
                                      k_id + R"(","type":"charge:created",)"));
    CHECK(coinbase["event"]["data"]["code"] == "66BEOV2A");

    auto razorpay = parsed(build(input_for("razorpay", "order.paid")).body);
    CHECK(razorpay.dump().starts_with(R"({"entity":"event","account_id":"acc_BFQ7uQEaa7j2z7",)"
                                      R"("event":"order.paid","contains":["payment","order"],)"));
    CHECK(razorpay["created_at"] == 1742035320);
    CHECK(razorpay["payload"]["order"]["entity"]["status"] == "paid");
    CHECK(razorpay["payload"]["payment"]["entity"]["id"] == "pay_DESlfW9H8K9uqM");
    auto failed = parsed(build(input_for("razorpay", "payment.failed")).body);
    CHECK(failed["payload"]["payment"]["entity"]["status"] == "failed");
    CHECK(failed["payload"]["payment"]["entity"]["error_reason"] == "payment_cancelled");

    auto calendly = parsed(build(input_for("calendly", "invitee.canceled")).body);
    CHECK(calendly["event"] == "invitee.canceled");
    CHECK(calendly["created_at"] == "2025-03-15T10:42:00.123000Z");
    CHECK(calendly["payload"]["status"] == "canceled");
    CHECK(calendly["payload"]["scheduled_event"]["status"] == "canceled");

    auto mux = parsed(build(input_for("mux", "video.asset.ready")).body);
    CHECK(mux.dump().starts_with(R"({"type":"video.asset.ready","object":{"type":"asset",)"));
    CHECK(mux["data"]["status"] == "ready");
    CHECK(mux["created_at"] == "2025-03-15T10:42:00.123000Z");
    // The Asset object's created_at is a string of Unix seconds.
    CHECK(mux["data"]["created_at"] == "1742035200");
    CHECK(parsed(build(input_for("mux", "video.live_stream.active")).body)["object"]["type"] ==
          "live");

    auto pagerduty = build(input_for("pagerduty", "incident.resolved"));
    auto incident = parsed(pagerduty.body);
    CHECK(incident["event"]["event_type"] == "incident.resolved");
    CHECK(incident["event"]["occurred_at"] == "2025-03-15T10:42:00.123Z");
    CHECK(incident["event"]["data"]["status"] == "resolved");

    auto vercel = parsed(build(input_for("vercel", "deployment.succeeded")).body);
    CHECK(vercel["createdAt"] == 1742035320123);
    CHECK(vercel["payload"]["deployment"]["name"] == "my-app");

    auto segment = parsed(build(input_for("segment")).body);
    CHECK(segment["type"] == "track");
    CHECK(segment["event"] == "Order Completed");
    CHECK(segment["timestamp"] == "2025-03-15T10:42:00.123Z");

    auto bounce = parsed(build(input_for("postmark", "Bounce")).body);
    CHECK(bounce["RecordType"] == "Bounce");
    CHECK(bounce["BouncedAt"] == "2025-03-15T10:42:00.123000Z");
    CHECK(build(input_for("postmark", "Bounce")).body.find(R"("ID":4323372036854775807,)") !=
          std::string::npos);

    auto dropbox = build(input_for("dropbox"));
    CHECK(dropbox.body ==
          R"({"list_folder":{"accounts":["dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc"]},)"
          R"("delta":{"users":[12345678]}})");
}

TEST_CASE("sentry's event type is the resource header plus the body's action", "[events]") {
    auto resolved = build(input_for("sentry", "issue.resolved"));
    CHECK(header_value(resolved, "Sentry-Hook-Resource") == "issue");
    auto body = parsed(resolved.body);
    CHECK(body.dump().starts_with(R"({"action":"resolved","installation":{"uuid":)"));
    CHECK(body["data"]["issue"]["status"] == "resolved");
    // Sentry's own JSON is ASCII-escaped: the samples stay ASCII so both forms agree.
    for (char c : resolved.body) {
        CHECK(static_cast<unsigned char>(c) < 0x80);
    }

    message::Message message;
    message.headers = {{"Sentry-Hook-Resource", "metric_alert"}, {"Request-ID", "abc"}};
    message.body = R"({"action":"critical","data":{}})";
    CHECK(events::describe_delivery("sentry", message).event_type == "metric_alert.critical");
    message.body = R"({"data":{}})";
    CHECK(events::describe_delivery("sentry", message).event_type == "metric_alert");
    message.headers = {{"Request-ID", "abc"}};
    CHECK_FALSE(events::describe_delivery("sentry", message).event_type);
}

TEST_CASE("pagerduty falls back to event.id without X-Webhook-Id", "[events]") {
    message::Message message;
    message.body = build(input_for("pagerduty")).body;
    auto facts = events::describe_delivery("pagerduty", message);
    CHECK(facts.id == "01BWDWL3NYY7LUFPZCC28QUCMK");
    CHECK(facts.event_type == "incident.triggered");
}
