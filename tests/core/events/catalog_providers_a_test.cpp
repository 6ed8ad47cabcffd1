// SPDX-License-Identifier: MIT
// The catalog entries of Square, Zoom, Linear, Twitch, Intercom, Mailgun, SendGrid, HubSpot
// (v1, v2, v3) and Typeform (src/core/events/events_catalog_providers_a.json).
#include "core/crypto/encoding.hpp"
#include "core/crypto/hmac.hpp"
#include "core/events/catalog.hpp"
#include "core/events/delivery.hpp"
#include "core/events/delivery_id.hpp"
#include "core/events/delivery_template.hpp"
#include "core/events/placeholders.hpp"
#include "support/catalog_fixtures.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <nlohmann/json.hpp>

using namespace hooks;
using hooks::events::build_delivery;
using hooks::events::BuildInput;
using hooks::events::list_events;
using hooks::events::UnsignedRequest;
using Headers = std::vector<message::Header>;

namespace {

// 2025-03-15T10:42:00.123Z
constexpr providers::UnixMillis k_now{1742035320123};
const std::string k_id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

const std::map<std::string, std::vector<std::string>> k_events{
    {"square", {"payment.created", "payment.updated", "refund.created"}},
    {"zoom", {"meeting.started", "meeting.ended", "endpoint.url_validation"}},
    {"linear", {"Issue.create", "Issue.update", "Comment.create"}},
    {"twitch", {"channel.follow", "stream.online", "webhook_callback_verification"}},
    {"intercom", {"conversation.user.created", "conversation.admin.replied", "ping"}},
    {"mailgun", {"delivered", "failed", "opened"}},
    {"sendgrid", {"delivered", "open", "bounce"}},
    {"hubspot-v1", {"contact.creation", "contact.propertyChange", "deal.creation"}},
    {"hubspot-v2", {"contact.creation", "contact.propertyChange", "deal.creation"}},
    {"hubspot-v3", {"contact.creation", "contact.propertyChange", "deal.creation"}},
    {"typeform", {"form_response", "form_response_partial"}},
};

// The headers that the lead's signing adds, and Content-Type: never in the catalog.
const std::vector<std::string> k_signing_headers{"Content-Type",
                                                 "x-square-hmacsha256-signature",
                                                 "x-zm-signature",
                                                 "x-zm-request-timestamp",
                                                 "Linear-Signature",
                                                 "Twitch-Eventsub-Message-Id",
                                                 "Twitch-Eventsub-Message-Timestamp",
                                                 "Twitch-Eventsub-Message-Signature",
                                                 "X-Hub-Signature",
                                                 "X-Twilio-Email-Event-Webhook-Signature",
                                                 "X-Twilio-Email-Event-Webhook-Timestamp",
                                                 "X-HubSpot-Signature",
                                                 "X-HubSpot-Signature-Version",
                                                 "X-HubSpot-Signature-v3",
                                                 "X-HubSpot-Request-Timestamp",
                                                 "Typeform-Signature"};

BuildInput input_for(std::string provider, std::string event = "") {
    return hooks::testing::catalog_input(std::move(provider), std::move(event), k_id, k_now);
}

UnsignedRequest build(const BuildInput& input) {
    return hooks::testing::build_request(input);
}

/// The JSON of a body; SendGrid's ends in CRLF, which must be there and is cut off first.
nlohmann::ordered_json parsed(const std::string& provider, std::string body) {
    if (provider == "sendgrid") {
        REQUIRE(body.ends_with("]\r\n"));
        body.resize(body.size() - 2);
    }
    auto json = nlohmann::ordered_json::parse(body);
    // Compact and unchanged by a parse and re-serialisation, as JSON.stringify(req.body); but
    // Mailgun writes its timestamps with six decimals, which a double's shortest form drops.
    if (provider != "mailgun") {
        CHECK(json.dump() == body);
    }
    return json;
}

nlohmann::ordered_json body_json(const BuildInput& input) {
    return parsed(input.provider, build(input).body);
}

events::DeliveryFacts facts_of(const std::string& provider, const UnsignedRequest& built,
                               const Headers& signing = {}) {
    message::Message message;
    message.headers = built.headers;
    message.headers.insert(message.headers.end(), signing.begin(), signing.end());
    message.body = built.body;
    return events::describe_delivery(provider, message);
}

/// Where each provider carries the id build_delivery puts in: in the body or an event header.
/// Zoom documents none; Twitch's message id is a header signing adds; Intercom's test ping has
/// "id": null.
bool carries_id(const std::string& provider, const std::string& event) {
    return provider != "zoom" && provider != "twitch" && event != "ping";
}

} // namespace

TEST_CASE("batch A providers list their events in the documents' order", "[events]") {
    for (const auto& [provider, names] : k_events) {
        INFO(provider);
        std::vector<std::string> listed;
        for (const auto& event : list_events(provider)) {
            CHECK_FALSE(event.summary.empty());
            listed.push_back(event.name);
        }
        CHECK(listed == names);
        CHECK(events::list_sources(provider).size() == 3);
        CHECK(events::list_sources(provider).front().first == "envelope");
    }
}

TEST_CASE("every batch A event builds a compact body that listen recognises", "[events]") {
    for (const auto& [provider, names] : k_events) {
        for (const std::string& name : names) {
            INFO(provider << " " << name);
            UnsignedRequest built = build(input_for(provider, name));
            CHECK(built.method == "POST");
            CHECK(built.content_type == "application/json");
            CHECK(built.body.find("{{") == std::string::npos);
            parsed(provider, built.body);
            for (const message::Header& header : built.headers) {
                CHECK(header.value.find("{{") == std::string::npos);
                CHECK(message::validate_header(header.name, header.value));
                for (const std::string& signing : k_signing_headers) {
                    CHECK_FALSE(message::names_equal(header.name, signing));
                }
            }
            auto facts = facts_of(provider, built);
            // What listen reports is the catalog's name (Twitch's challenge included).
            CHECK(facts.event_type == name);
            CHECK(facts.id == (carries_id(provider, name) ? std::optional(k_id) : std::nullopt));
        }
    }
    // Twitch's id arrives with the signature; listen reads it from there.
    auto twitch = build(input_for("twitch", "stream.online"));
    CHECK(facts_of("twitch", twitch, {{"Twitch-Eventsub-Message-Id", k_id}}).id == k_id);
}

TEST_CASE("batch A event headers are the providers' own", "[events]") {
    auto headers_of = [](const std::string& provider, const std::string& event) {
        return build(input_for(provider, event)).headers;
    };
    CHECK(headers_of("square", "refund.created") ==
          Headers{{"square-environment", "Sandbox"},
                  {"square-initial-delivery-timestamp", "2025-03-15T10:42:00.123Z"}});
    CHECK(headers_of("linear", "Issue.update") == Headers{{"User-Agent", "Linear-Webhook"},
                                                          {"Linear-Delivery", k_id},
                                                          {"Linear-Timestamp", "1742035320123"},
                                                          {"Linear-Event", "Issue"}});
    CHECK(headers_of("linear", "Comment.create").back() ==
          message::Header{"Linear-Event", "Comment"});
    CHECK(headers_of("twitch", "channel.follow") ==
          Headers{{"Twitch-Eventsub-Message-Retry", "0"},
                  {"Twitch-Eventsub-Subscription-Type", "channel.follow"},
                  {"Twitch-Eventsub-Message-Type", "notification"},
                  {"Twitch-Eventsub-Subscription-Version", "2"}});
    CHECK(headers_of("twitch", "stream.online") ==
          Headers{{"Twitch-Eventsub-Message-Retry", "0"},
                  {"Twitch-Eventsub-Subscription-Type", "stream.online"},
                  {"Twitch-Eventsub-Message-Type", "notification"},
                  {"Twitch-Eventsub-Subscription-Version", "1"}});
    // The challenge is about a channel.follow subscription.
    CHECK(headers_of("twitch", "webhook_callback_verification") ==
          Headers{{"Twitch-Eventsub-Message-Retry", "0"},
                  {"Twitch-Eventsub-Subscription-Type", "channel.follow"},
                  {"Twitch-Eventsub-Message-Type", "webhook_callback_verification"},
                  {"Twitch-Eventsub-Subscription-Version", "2"}});
    CHECK(headers_of("intercom", "ping") ==
          Headers{{"User-Agent", "intercom-parrot-service-client/1.0"},
                  {"Accept", "application/json"}});
    for (const char* provider :
         {"zoom", "mailgun", "sendgrid", "hubspot-v1", "hubspot-v2", "hubspot-v3", "typeform"}) {
        INFO(provider);
        CHECK(headers_of(provider, "").empty());
    }
}

TEST_CASE("batch A ids and timestamps go where Square, Zoom, Linear and Twitch carry them",
          "[events]") {
    auto square = body_json(input_for("square", "payment.created"));
    CHECK(square["event_id"] == k_id);
    CHECK(square["type"] == "payment.created");
    CHECK(square["created_at"] == "2025-03-15T10:42:00.123Z");
    CHECK(square["data"]["type"] == "payment");
    CHECK(square["data"]["object"]["payment"]["id"] == square["data"]["id"]);
    auto refund = body_json(input_for("square", "refund.created"));
    CHECK(refund["data"]["type"] == "refund");
    CHECK(refund["data"]["object"]["refund"]["id"] == refund["data"]["id"]);

    CHECK(build(input_for("zoom", "meeting.started"))
              .body.starts_with(
                  R"({"event":"meeting.started","payload":{"account_id":"D8cJuqWVQ623CI4Q8yQK0Q",)"
                  R"("object":{"id":"85235876312",)"));
    CHECK(build(input_for("zoom", "endpoint.url_validation")).body ==
          R"({"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1742035320123,)"
          R"("event":"endpoint.url_validation"})");

    auto linear = body_json(input_for("linear", "Issue.update"));
    CHECK(linear["webhookTimestamp"] == 1742035320123);
    CHECK(linear["action"] == "update");
    CHECK(linear["type"] == "Issue");
    CHECK(linear["updatedFrom"]["stateId"].is_string());
    auto comment = body_json(input_for("linear", "Comment.create"));
    CHECK(comment["type"] == "Comment");
    CHECK(comment["action"] == "create");

    auto follow = body_json(input_for("twitch", "channel.follow"));
    CHECK(follow["subscription"]["type"] == "channel.follow");
    CHECK(follow["subscription"]["version"] == "2");
    CHECK(follow["subscription"]["condition"]["moderator_user_id"] == "1337");
    CHECK(follow["event"]["followed_at"] == "2025-03-15T10:42:00.123000Z");
    auto challenge = body_json(input_for("twitch", "webhook_callback_verification"));
    CHECK(challenge["challenge"] == "pogchamp-kappa-360noscope-vohiyo");
    CHECK(challenge["subscription"]["status"] == "webhook_callback_verification_pending");
    CHECK(challenge["subscription"]["type"] == "channel.follow");
    CHECK_FALSE(challenge.contains("event"));
}

TEST_CASE("batch A ids and timestamps go where Intercom, Mailgun, SendGrid and Typeform carry "
          "them",
          "[events]") {
    auto intercom = body_json(input_for("intercom", "conversation.user.created"));
    CHECK(intercom["id"] == k_id);
    CHECK(intercom["topic"] == "conversation.user.created");
    CHECK(intercom["created_at"] == 1742035320);
    CHECK(intercom["data"]["item"]["type"] == "conversation");
    auto ping = body_json(input_for("intercom", "ping"));
    CHECK(ping["id"].is_null());
    CHECK(ping["delivery_status"].is_null());
    CHECK(ping["topic"] == "ping");

    // Mailgun: signature.timestamp is a string of seconds, event-data.timestamp a number with
    // six decimals; signing fills signature.signature in.
    std::string mailgun = build(input_for("mailgun", "delivered")).body;
    // The token is a nonce derived from the delivery id: the same on every retry, another for
    // another delivery (the first 50 hex digits of SHA-256 of the id).
    const std::string token_of_id =
        crypto::hex_encode(crypto::digest(crypto::DigestAlgorithm::sha256, k_id)).substr(0, 50);
    CHECK(mailgun.starts_with(R"({"signature":{"timestamp":"1742035320","token":")" + token_of_id +
                              R"(","signature":""},"event-data":{"event":"delivered","id":")" +
                              k_id + R"(","timestamp":1742035320.123000,"log-level":"info",)"));
    auto other_delivery = input_for("mailgun", "delivered");
    other_delivery.id = "another-delivery";
    CHECK(body_json(other_delivery)["signature"]["token"] != token_of_id);
    auto token = parsed("mailgun", mailgun)["signature"]["token"].get<std::string>();
    CHECK(token.size() == 50);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(body_json(input_for("mailgun", "failed"))["event-data"]["severity"] == "permanent");

    // SendGrid: a JSON array of events, then CRLF, as the signed vectors of its SDK have it.
    CHECK(build(input_for("sendgrid", "delivered")).body ==
          R"([{"email":"example@test.com","timestamp":1742035320,)"
          R"("smtp-id":"<14c5d75ce93.dfd.64b469@ismtpd-555>","event":"delivered",)"
          R"("category":["cat facts"],"sg_event_id":")" +
              k_id +
              R"(","sg_message_id":"14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",)"
              R"("response":"250 OK","tls":1}])"
              "\r\n");

    auto typeform = body_json(input_for("typeform", "form_response"));
    CHECK(typeform["event_id"] == k_id);
    CHECK(typeform["event_type"] == "form_response");
    CHECK(typeform["form_response"]["submitted_at"] == "2025-03-15T10:42:00Z");
    CHECK_FALSE(body_json(input_for("typeform", "form_response_partial"))["form_response"].contains(
        "submitted_at"));
}

TEST_CASE("hubspot's eventId is a number when the id is one", "[events]") {
    for (const char* provider : {"hubspot-v1", "hubspot-v2", "hubspot-v3"}) {
        INFO(provider);
        BuildInput input = input_for(provider, "contact.creation");
        input.id = "3816279340";
        UnsignedRequest built = build(input);
        CHECK(built.body == R"([{"eventId":3816279340,"subscriptionId":12345,"portalId":62515,)"
                            R"("appId":54321,"occurredAt":1742035320123,)"
                            R"("subscriptionType":"contact.creation","attemptNumber":0,)"
                            R"("objectId":123,"changeSource":"CRM","changeFlag":"NEW"}])");
        auto facts = facts_of(provider, built);
        CHECK(facts.id == "3816279340");
        CHECK(facts.event_type == "contact.creation");
        // An id that is not a number stays a string rather than being lost.
        CHECK(body_json(input_for(provider))[0]["eventId"] == k_id);
    }
    std::string fresh = events::fresh_delivery_id("hubspot-v3");
    CHECK(fresh.size() == 10);
    CHECK(fresh.front() != '0');
    CHECK(fresh.find_first_not_of("0123456789") == std::string::npos);
    CHECK(events::fresh_delivery_id("intercom").starts_with("notif_"));
    CHECK(events::fresh_delivery_id("mailgun").size() == 22);
    CHECK(events::fresh_delivery_id("square").size() == 36);
}

TEST_CASE("batch A --data and --set land where the provider's data is", "[events]") {
    struct Case {
        std::string provider;
        std::string event;
        std::string data_at; ///< JSON Pointer of the part --data replaces
    };
    const std::vector<Case> cases{
        {"square", "payment.created", "/data/object/payment"},
        {"square", "refund.created", "/data/object/refund"},
        {"zoom", "meeting.ended", "/payload/object"},
        {"zoom", "endpoint.url_validation", "/payload"},
        {"linear", "Issue.create", "/data"},
        {"linear", "Comment.create", "/data"},
        {"twitch", "stream.online", "/event"},
        {"twitch", "webhook_callback_verification", "/subscription"},
        {"intercom", "ping", "/data/item"},
        {"mailgun", "opened", "/event-data"},
        {"sendgrid", "bounce", "/0"},
        {"hubspot-v1", "deal.creation", "/0"},
        {"hubspot-v3", "contact.propertyChange", "/0"},
        {"typeform", "form_response", "/form_response"},
    };
    for (const Case& each : cases) {
        INFO(each.provider << " " << each.event);
        BuildInput input = input_for(each.provider, each.event);
        input.data = R"({"marker": 15, "name": "x"})";
        input.sets = {{each.data_at + "/name", "y"}};
        auto body = body_json(input);
        auto pointer = nlohmann::ordered_json::json_pointer(each.data_at);
        CHECK(body[pointer].dump() == R"({"marker":15,"name":"y"})");
    }
    // SendGrid keeps its CRLF after --data and --set.
    BuildInput sendgrid = input_for("sendgrid", "open");
    sendgrid.data = R"({"event":"dropped"})";
    sendgrid.sets = {{"0.reason", "Bounced Address"}};
    CHECK(build(sendgrid).body == "[{\"event\":\"dropped\",\"reason\":\"Bounced Address\"}]\r\n");
    // --set reaches the envelope around the data too.
    BuildInput mailgun = input_for("mailgun", "delivered");
    mailgun.sets = {{"signature.token", "0123456789abcdef0123456789abcdef0123456789abcdef01"}};
    CHECK(body_json(mailgun)["signature"]["token"] ==
          "0123456789abcdef0123456789abcdef0123456789abcdef01");
}

TEST_CASE("listen reads batch A facts from requests as the providers send them", "[events]") {
    auto make = [](Headers headers, std::string body) {
        message::Message message;
        message.headers = std::move(headers);
        message.body = std::move(body);
        return message;
    };
    // The body of square-nodejs-sdk's webhooks test.
    auto square = events::describe_delivery(
        "square", make({}, R"({"merchant_id":"MLEFBHHSJGVHD","type":"webhooks.test_notification",)"
                           R"("event_id":"ac3ac95b-f97d-458c-a6e6-18981597e05f",)"
                           R"("created_at":"2022-07-13T20:30:59.037339943Z",)"
                           R"("data":{"type":"webhooks","id":"bc368e64"}})"));
    CHECK(square.id == "ac3ac95b-f97d-458c-a6e6-18981597e05f");
    CHECK(square.event_type == "webhooks.test_notification");
    // Twitch names a revocation by its message type, a notification by its subscription.
    Headers twitch{{"Twitch-Eventsub-Message-Id", "befa7b53-d79d-478f-86b9-120f112b044e"},
                   {"Twitch-Eventsub-Message-Type", "revocation"},
                   {"Twitch-Eventsub-Subscription-Type", "channel.follow"}};
    auto revocation = events::describe_delivery("twitch", make(twitch, "{}"));
    CHECK(revocation.id == "befa7b53-d79d-478f-86b9-120f112b044e");
    CHECK(revocation.event_type == "revocation");
    twitch[1].value = " notification ";
    CHECK(events::describe_delivery("twitch", make(twitch, "{}")).event_type == "channel.follow");
    auto body_only = events::describe_delivery(
        "twitch", make({}, R"({"subscription":{"type":"stream.online"}})"));
    CHECK(body_only.event_type == "stream.online");
    // Linear without its headers: the body's type and action.
    auto linear =
        events::describe_delivery("linear", make({}, R"({"action":"remove","type":"Reaction"})"));
    CHECK(linear.event_type == "Reaction.remove");
    CHECK_FALSE(linear.id);
    // SendGrid's second vector of its SDK: several events, CRLF after each; the first names it.
    auto sendgrid = events::describe_delivery(
        "sendgrid", make({}, "[{\"email\":\"invalid@gmail.com\",\"event\":\"processed\","
                             "\"sg_event_id\":\"cHJvY2Vzc2VkLTE5OTQyMTEy\"},\r\n"
                             "{\"event\":\"bounce\",\"sg_event_id\":\"Ym91bmNl\"}]\r\n"));
    CHECK(sendgrid.id == "cHJvY2Vzc2VkLTE5OTQyMTEy");
    CHECK(sendgrid.event_type == "processed");
    // HubSpot's v1 FAQ body: a numeric eventId.
    auto hubspot = events::describe_delivery(
        "hubspot-v2",
        make({}, R"([{"eventId":1,"subscriptionId":12345,"portalId":62515,)"
                 R"("occurredAt":1564113600000,"subscriptionType":"contact.creation",)"
                 R"("attemptNumber":0,"objectId":123,"changeSource":"CRM",)"
                 R"("changeFlag":"NEW","appId":54321}])"));
    CHECK(hubspot.id == "1");
    CHECK(hubspot.event_type == "contact.creation");
}

TEST_CASE("a delivery template reproduces every batch A event", "[events]") {
    std::size_t filled_in = 0;
    for (const auto& [provider, names] : k_events) {
        for (const std::string& name : names) {
            BuildInput input;
            input.provider = provider;
            input.event = name;
            auto made = events::DeliveryTemplate::create(input);
            REQUIRE(made);
            filled_in += made->is_filled_in() ? 1U : 0U;
            for (const std::string& id : {std::string("evt_9aQ2"), std::string("3816279340")}) {
                INFO(provider << " " << name << " " << id);
                const providers::UnixMillis at{1742035320005};
                auto built = made->build(id, at);
                REQUIRE(built);
                input.id = id;
                input.timestamp = at;
                auto direct = build_delivery(input);
                REQUIRE(direct);
                CHECK(built->body == direct->body);
                CHECK(built->headers == direct->headers);
            }
        }
    }
    // Every one of them is a JSON envelope whose id and times the template can fill in.
    CHECK(filled_in == 32);
}

TEST_CASE("placeholders for Mailgun's and HubSpot's value types", "[events]") {
    events::ProviderSpec provider;
    provider.name = "test";
    provider.envelope = events::Json::parse(
        R"({"text":"{{timestamp_unix_text}}","decimal":"{{timestamp_unix_decimal}}",)"
        R"("number":"{{id_number}}","inside":"n={{id_number}} t={{timestamp_unix_decimal}}"})");
    events::EventSpec event;
    event.name = "e";
    auto fill = [&](std::string id, long long millis) {
        auto filled = events::fill_template(provider, event,
                                            {std::move(id), "e", providers::UnixMillis{millis}});
        return events::write_compact(filled.body);
    };
    CHECK(fill("42", 1742035320005) ==
          R"({"text":"1742035320","decimal":1742035320.005000,"number":42,)"
          R"("inside":"n=42 t=1742035320.005000"})");
    CHECK(fill("0", 1742035320999) ==
          R"({"text":"1742035320","decimal":1742035320.999000,"number":0,)"
          R"("inside":"n=0 t=1742035320.999000"})");
    // Leading zeros, signs and letters are not JSON integers: the id stays a string.
    for (const char* id : {"042", "-1", "4e2", "evt_1", ""}) {
        INFO(id);
        CHECK(events::Json::parse(fill(id, 0))["number"] == id);
    }
    CHECK(fill("7", 1742035320000).find(R"("decimal":1742035320.000000,)") != std::string::npos);
}
