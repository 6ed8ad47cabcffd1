// SPDX-License-Identifier: MIT
#include "core/events/delivery.hpp"

#include <catch2/catch.hpp>

using namespace hooks;
using hooks::events::check_envelope;
using hooks::events::describe_delivery;

namespace {

message::Message make(std::vector<message::Header> headers, std::string body) {
    message::Message message;
    message.headers = std::move(headers);
    message.body = std::move(body);
    return message;
}

using Problems = std::vector<std::string>;

// The seed documents' own examples (seeds/*.txt), with their /* comments */ filled in.
const std::string k_codenx_example = R"({
  "event": "record.updated",
  "timestamp": "2025-03-15T10:42:00.000Z",
  "collection": "products",
  "tenant_id": "ten_abc123",
  "user_id": "usr_xyz789",
  "record": {"price": 999},
  "previous": {"price": 1299},
  "diff": { "price": { "from": 1299, "to": 999 } }
})";

const std::string k_codex_example = R"({
"event": "publish",
"model": "recipe",
"organization":"codex",
"object": {
"id": "ce9NGrW6Tl",
"system": {"siteId": "sifew8mzek", "status": 3, "unpublishedAt": null, "labels": []},
"content": {"title": "My first recipe", "timeToCook": 30, "healthy": true, "image": null},
"attrs": {}
}
})";

const std::string k_cognexia_example =
    R"({"type": "contact.created", "data": {"id": "ct_1", "email": "a@example.com"}})";

const std::string k_fluxbase_example = R"({
  "event": "INSERT",
  "table": "users",
  "schema": "public",
  "record": {
    "id": "550e8400-e29b-41d4-a716-446655440000",
    "email": "user@example.com",
    "created_at": "2025-11-02T10:30:00Z"
  },
  "old_record": null,
  "timestamp": "2025-11-02T10:30:00.123Z",
  "webhook_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7"
})";

const std::string k_centrali_example = R"({
"event": "record.created",
"workspace": "my-workspace",
"timestamp": "2025-01-15T10:30:00Z",
"data": {
"structure": "orders",
"recordId": "rec_abc123",
"record": {
"id": "rec_abc123",
"customer": "John Doe",
"total": 99.99,
"status": "pending"
}
}
})";

std::string replace(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

} // namespace

TEST_CASE("standard and svix take the id header and the body's type", "[events]") {
    const std::string body =
        R"({"type":"contact.created","timestamp":"2022-11-03T20:26:10.344522Z",)"
        R"("data":{"id":"1f81eb52-5198-4599-803e-771906343485"}})";
    auto standard = describe_delivery(
        "standard",
        make({{"webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"}, {"webhook-timestamp", "1614265330"}},
             body));
    CHECK(standard.id == "msg_p5jXN8AQM9LWM0D4loKWxJek");
    CHECK(standard.event_type == "contact.created");
    auto svix =
        describe_delivery("svix", make({{"svix-id", "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"}}, body));
    CHECK(svix.id == "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    CHECK(svix.event_type == "contact.created");
    CHECK_FALSE(describe_delivery("svix", make({{"webhook-id", "msg_1"}}, body)).id);
}

TEST_CASE("stripe takes the event object's id and type", "[events]") {
    auto facts = describe_delivery(
        "stripe", make({{"Stripe-Signature", "t=1,v1=00"}},
                       R"({"id": "evt_1NG8Du2eZvKYlo2CUI79vXWy", "object": "event",)"
                       R"( "api_version": "2022-11-15", "created": 1686089970,)"
                       R"( "data": {"object": {"id": "seti_1NG8Du2eZvKYlo2C9XMqbR0x"}},)"
                       R"( "type": "setup_intent.created"})"));
    CHECK(facts.id == "evt_1NG8Du2eZvKYlo2CUI79vXWy");
    CHECK(facts.event_type == "setup_intent.created");
}

TEST_CASE("github adds the body's action to the event header", "[events]") {
    auto issues = make({{"X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"},
                        {"X-GitHub-Event", "issues"}},
                       R"({"action": "opened", "issue": {"number": 1}})");
    for (const char* provider : {"github", "github-sha1"}) {
        auto facts = describe_delivery(provider, issues);
        CHECK(facts.id == "72d3162e-cc78-11e3-81ab-4c9367dc0958");
        CHECK(facts.event_type == "issues.opened");
    }
    auto ping = describe_delivery(
        "github", make({{"x-github-event", "ping"}}, R"({"zen": "Keep it logically awesome."})"));
    CHECK(ping.event_type == "ping");
    CHECK_FALSE(ping.id);
    auto not_json =
        describe_delivery("github", make({{"X-GitHub-Event", "push"}}, "payload=%7B%7D"));
    CHECK(not_json.event_type == "push");
}

TEST_CASE("github looks for no action in the events that have none", "[events]") {
    // A push has no top-level action; its body is not scanned for one.
    auto push = describe_delivery(
        "github", make({{"X-GitHub-Event", "push"}}, R"({"action": "x", "ref": "refs/heads/a"})"));
    CHECK(push.event_type == "push");
    auto star = describe_delivery(
        "github", make({{"X-GitHub-Event", "star"}}, R"({"ref": "r", "action": "created"})"));
    CHECK(star.event_type == "star.created");
}

TEST_CASE("slack takes event_id and the wrapped event's type", "[events]") {
    auto callback = describe_delivery(
        "slack",
        make({}, R"({"token": "XXYYZZ", "team_id": "T123ABC456", "api_app_id": "A123ABC456",)"
                 R"( "event": {"type": "app_mention", "user": "U123ABC456", "text": "hi"},)"
                 R"( "type": "event_callback", "event_id": "Ev123ABC456",)"
                 R"( "event_time": 1234567890})"));
    CHECK(callback.id == "Ev123ABC456");
    CHECK(callback.event_type == "app_mention");
    auto challenge = describe_delivery(
        "slack", make({}, R"({"token": "Jhj5dZrVaK7ZwHHjRyZWjbDl", "challenge": "3eZbrw1aBm2r",)"
                          R"( "type": "url_verification"})"));
    CHECK_FALSE(challenge.id);
    CHECK(challenge.event_type == "url_verification");
}

TEST_CASE("shopify takes the webhook id and topic headers", "[events]") {
    auto facts = describe_delivery(
        "shopify", make({{"X-Shopify-Topic", "orders/create"},
                         {"X-Shopify-Webhook-Id", "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"},
                         {"X-Shopify-Shop-Domain", "example.myshopify.com"}},
                        R"({"id": 820982911946154508})"));
    CHECK(facts.id == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043");
    CHECK(facts.event_type == "orders/create");
}

TEST_CASE("paddle prefers the notification id over the event id", "[events]") {
    const std::string body =
        R"({"event_id": "evt_01h8bzakzx3hm2fmen703n5q45", "event_type": "transaction.completed",)"
        R"( "occurred_at": "2023-08-21T11:57:47.390028Z",)"
        R"( "notification_id": "ntf_01h8bzam1z32agrxjwhjgqk8w6", "data": {"id": "txn_1"}})";
    auto facts = describe_delivery("paddle", make({}, body));
    CHECK(facts.id == "ntf_01h8bzam1z32agrxjwhjgqk8w6");
    CHECK(facts.event_type == "transaction.completed");
    auto without = describe_delivery(
        "paddle", make({}, R"({"event_id": "evt_1", "event_type": "customer.created"})"));
    CHECK(without.id == "evt_1");
}

TEST_CASE("twilio takes the idempotency token and an EventType form field", "[events]") {
    auto task = describe_delivery(
        "twilio", make({{"I-Twilio-Idempotency-Token", "8b2f3c1e-2e3c-4a8f-9c1d-1a2b3c4d5e6f"},
                        {"Content-Type", "application/x-www-form-urlencoded"}},
                       "AccountSid=AC123&EventType=task.created&TaskSid=WT123"));
    CHECK(task.id == "8b2f3c1e-2e3c-4a8f-9c1d-1a2b3c4d5e6f");
    CHECK(task.event_type == "task.created");
    auto sms = describe_delivery(
        "twilio", make({}, "MessageSid=SM123&Body=Hello+%26+bye&From=%2B15005550006"));
    CHECK_FALSE(sms.id);
    CHECK_FALSE(sms.event_type);
    auto encoded = describe_delivery("twilio", make({}, "Event%54ype=on%4DessageAdded"));
    CHECK(encoded.event_type == "onMessageAdded");
}

TEST_CASE("discord names interaction types and webhook events", "[events]") {
    auto ping = describe_delivery(
        "discord", make({}, R"({"id": "1234567890123456789", "application_id": "11", "type": 1,)"
                            R"( "token": "A_UNIQUE_TOKEN", "version": 1})"));
    CHECK(ping.id == "1234567890123456789");
    CHECK(ping.event_type == "PING");
    auto command = describe_delivery(
        "discord", make({}, R"({"id": "786008729715212338", "type": 2, "token": "t",)"
                            R"( "data": {"name": "cardsearch", "type": 1}, "version": 1})"));
    CHECK(command.event_type == "APPLICATION_COMMAND");
    CHECK(describe_delivery("discord", make({}, R"({"id": "1", "type": 5})")).event_type ==
          "MODAL_SUBMIT");
    CHECK_FALSE(describe_delivery("discord", make({}, R"({"id": "1", "type": 99})")).event_type);
    auto event = describe_delivery(
        "discord", make({}, R"({"version": 1, "application_id": "1234560123453231555", "type": 1,)"
                            R"( "event": {"type": "APPLICATION_AUTHORIZED",)"
                            R"( "timestamp": "2024-10-18T14:42:53.064834", "data": {}}})"));
    CHECK_FALSE(event.id);
    CHECK(event.event_type == "APPLICATION_AUTHORIZED");
    auto event_ping = describe_delivery(
        "discord",
        make({}, R"({"version": 1, "application_id": "1234560123453231555", "type": 0})"));
    CHECK(event_ping.event_type == "PING");
}

TEST_CASE("the seed platforms give their documented event and no delivery id", "[events]") {
    auto codenx = describe_delivery("codenx", make({}, k_codenx_example));
    CHECK(codenx.event_type == "record.updated");
    CHECK_FALSE(codenx.id);
    auto codex = describe_delivery("codex", make({}, k_codex_example));
    CHECK(codex.event_type == "publish");
    CHECK_FALSE(codex.id);
    auto fluxbase = describe_delivery("fluxbase", make({}, k_fluxbase_example));
    CHECK(fluxbase.event_type == "INSERT");
    CHECK_FALSE(fluxbase.id);
    auto centrali = describe_delivery("centrali", make({}, k_centrali_example));
    CHECK(centrali.event_type == "record.created");
    CHECK_FALSE(centrali.id);
    auto cognexia = describe_delivery("cognexia", make({}, k_cognexia_example));
    CHECK(cognexia.event_type == "contact.created");
    CHECK_FALSE(cognexia.id);
    auto with_id = describe_delivery(
        "cognexia", make({}, R"({"id": "evt_9", "type": "deal.closed", "data": {}})"));
    CHECK(with_id.id == "evt_9");
}

TEST_CASE("an unnamed provider gets the generic guesses", "[events]") {
    for (const char* provider : {"", "unknown"}) {
        auto facts =
            describe_delivery(provider, make({{"X-Request-Id", "req_1"}, {"svix-id", " msg_1 "}},
                                             R"({"id": "ignored", "event": "thing.happened"})"));
        CHECK(facts.id == "msg_1");
        CHECK(facts.event_type == "thing.happened");
    }
    auto numbered = describe_delivery("", make({}, R"({"id": 42, "type": 7, "event_type": "x"})"));
    CHECK(numbered.id == "42");
    CHECK(numbered.event_type == "x");
    auto github = describe_delivery("", make({{"X-GitHub-Event", "push"}}, "{}"));
    CHECK(github.event_type == "push");
}

TEST_CASE("other providers, odd bodies and blank values give nothing", "[events]") {
    CHECK_FALSE(
        describe_delivery("acme", make({}, R"({"event_id": "e", "type": "t"})")).event_type);
    auto blank = describe_delivery("standard", make({{"webhook-id", " "}}, R"({"type": ""})"));
    CHECK_FALSE(blank.id);
    CHECK_FALSE(blank.event_type);
    for (std::string body : {std::string("not json"), std::string("\xff\xfe{"), std::string(),
                             std::string("{\"type\": [1, 2]}"), std::string("[\"type\"]"),
                             std::string(100000, '[') + std::string(100000, ']')}) {
        auto facts = describe_delivery("stripe", make({}, body));
        CHECK_FALSE(facts.id);
        CHECK_FALSE(facts.event_type);
    }
    auto huge =
        describe_delivery("stripe", make({}, R"({"id": "evt_1", "type": "a", "n": 1e400, "m": -)" +
                                                 std::string(500, '9') + "}"));
    CHECK(huge.id == "evt_1");
    CHECK(huge.event_type == "a");
}

TEST_CASE("the seed platforms' documented examples match their envelopes", "[events]") {
    CHECK(check_envelope("codenx", k_codenx_example).empty());
    CHECK(check_envelope("codex", k_codex_example).empty());
    CHECK(check_envelope("cognexia", k_cognexia_example).empty());
    CHECK(check_envelope("fluxbase", k_fluxbase_example).empty());
    CHECK(check_envelope("centrali", k_centrali_example).empty());
    CHECK(check_envelope("stripe", "not even json").empty());
    CHECK(check_envelope("", "[]").empty());
}

TEST_CASE("codenx envelopes report missing and mistyped fields", "[events]") {
    CHECK(check_envelope("codenx", replace(k_codenx_example, R"("collection": "products",)", "")) ==
          Problems{"/collection: missing"});
    CHECK(check_envelope(
              "codenx", replace(k_codenx_example, R"("2025-03-15T10:42:00.000Z")", "1742035320")) ==
          Problems{"/timestamp: expected a string, got a number"});
    CHECK(check_envelope(
              "codenx", replace(k_codenx_example, R"("record.updated")", R"("record.upserted")")) ==
          Problems{"/event: \"record.upserted\" is not one of record.created, record.updated, "
                   "record.deleted, bulk.imported, pipeline.completed, schema.changed"});
    // Lenient: a created record has no previous state, and the acting user may be null.
    std::string created = replace(k_codenx_example, R"("previous": {"price": 1299},)", "");
    created = replace(created, R"("usr_xyz789")", "null");
    CHECK(check_envelope("codenx", created).empty());
    CHECK(check_envelope("codenx", replace(k_codenx_example, R"("record": {"price": 999})",
                                           R"("record": [999])")) ==
          Problems{"/record: expected an object or null, got an array"});
}

TEST_CASE("codex envelopes need event, model, organization and object", "[events]") {
    CHECK(check_envelope("codex", R"({"event": "completed", "model": "importentries",)"
                                  R"( "organization": "codex-dev", "object": {"id": "jb"}})")
              .empty());
    CHECK(check_envelope("codex", R"({"Id": "ce9NGrW6Tl"})") ==
          Problems{"/event: missing", "/model: missing", "/organization: missing",
                   "/object: missing"});
    CHECK(check_envelope("codex", replace(k_codex_example, R"("organization":"codex")",
                                          R"("organization":7)")) ==
          Problems{"/organization: expected a string, got a number"});
}

TEST_CASE("cognexia envelopes need type and data", "[events]") {
    CHECK(
        check_envelope("cognexia", R"({"type": "invoice.paid", "data": ["any", "type"]})").empty());
    CHECK(check_envelope("cognexia", R"({"data": {}})") == Problems{"/type: missing"});
    CHECK(check_envelope("cognexia", R"({"type": null})") ==
          Problems{"/type: expected a string, got null", "/data: missing"});
}

TEST_CASE("fluxbase envelopes check the operation and the record", "[events]") {
    CHECK(check_envelope("fluxbase", replace(k_fluxbase_example, R"("INSERT")", R"("UPSERT")")) ==
          Problems{"/event: \"UPSERT\" is not one of INSERT, UPDATE, DELETE"});
    CHECK(check_envelope("fluxbase", replace(k_fluxbase_example, R"("old_record": null)",
                                             R"("old_record": "none")")) ==
          Problems{"/old_record: expected an object or null, got a string"});
    // The test API sends what the caller gives: event, table and record are enough.
    CHECK(check_envelope("fluxbase",
                         R"({"event": "INSERT", "table": "test_table", "record": {"id": "t"}})")
              .empty());
    CHECK(check_envelope("fluxbase", R"({"event": "DELETE", "old_record": {}})") ==
          Problems{"/table: missing", "/record: missing"});
    CHECK(check_envelope("fluxbase", replace(k_fluxbase_example, R"("schema": "public")",
                                             R"("schema": false)")) ==
          Problems{"/schema: expected a string, got a boolean"});
}

TEST_CASE("centrali envelopes check data for record events only", "[events]") {
    CHECK(check_envelope("centrali", replace(k_centrali_example, R"("recordId": "rec_abc123",)",
                                             "")) == Problems{"/data/recordId: missing"});
    CHECK(check_envelope("centrali", replace(k_centrali_example, R"("structure": "orders")",
                                             R"("structure": {})")) ==
          Problems{"/data/structure: expected a string, got an object"});
    CHECK(check_envelope("centrali", R"({"event": "function.failed", "workspace": "w",)"
                                     R"( "timestamp": "2025-01-15T10:30:00Z",)"
                                     R"( "data": {"functionId": "fn_1", "error": "boom"}})")
              .empty());
    CHECK(check_envelope("centrali", R"({"event": "record.deleted", "workspace": "w",)"
                                     R"( "timestamp": "t", "data": {"structure": "orders",)"
                                     R"( "recordId": "rec_1"}})")
              .empty());
    // A missing or mistyped parent is reported once, not once per child.
    CHECK(check_envelope("centrali", R"({"event": "record.created", "workspace": "w",)"
                                     R"( "timestamp": "t", "data": "rec_1"})") ==
          Problems{"/data: expected an object, got a string"});
    CHECK(check_envelope("centrali", R"({"event": "record.moved", "workspace": "w",)"
                                     R"( "timestamp": "t", "data": {}})") ==
          Problems{"/event: \"record.moved\" is not one of record.created, record.updated, "
                   "record.deleted, function.completed, function.failed, trigger.fired"});
}

TEST_CASE("envelope checks say why a body is not JSON and never throw", "[events]") {
    CHECK(check_envelope("codenx", "") == Problems{"body: not JSON (empty body)"});
    CHECK(check_envelope("codenx", "{\"event\": \"\xc3\x28\"}") ==
          Problems{"body: not JSON (invalid UTF-8)"});
    CHECK(check_envelope("codenx", R"({"event": 01})") ==
          Problems{"body: not JSON (invalid number at byte 10)"});
    CHECK(check_envelope("codenx", "[1, 2]") == Problems{"body: expected an object, got an array"});
    CHECK(check_envelope("codenx", std::string(100000, '[') + std::string(100000, ']')) ==
          Problems{"body: nested deeper than 512 levels, not checked"});
    CHECK(check_envelope("cognexia", R"({"type": "a", "data": {"n": 1e400, "m": )" +
                                         std::string(400, '7') + "}}")
              .empty());
    CHECK(check_envelope("cognexia", R"({"type": "a", "data": "\ud800"})") ==
          Problems{"body: not JSON (lone surrogate escape in a string at byte 22)"});
    auto long_value = check_envelope("fluxbase", R"({"event": ")" + std::string(100, 'X') +
                                                     R"(\u001b[2J", "table": "t",)"
                                                     R"( "record": {}})");
    REQUIRE(long_value.size() == 1);
    CHECK(long_value[0].size() < 120);
}
