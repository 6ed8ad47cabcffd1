// SPDX-License-Identifier: MIT
#include "core/events/catalog.hpp"
#include "core/events/delivery.hpp"
#include "core/text/text.hpp"
#include "support/catalog_fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <set>

using namespace hooks;
using hooks::events::build_delivery;
using hooks::events::BuildInput;
using hooks::events::has_changed;
using hooks::events::list_events;
using hooks::events::UnsignedRequest;

namespace {

// 2025-03-15T10:42:00.123Z
constexpr providers::UnixMillis k_now{1742035320123};
const std::string k_id = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";

const std::vector<std::string> k_providers{
    "codenx", "codex",       "cognexia", "fluxbase", "centrali", "standard", "svix",   "stripe",
    "github", "github-sha1", "slack",    "shopify",  "paddle",   "twilio",   "discord"};

const std::set<std::string> k_seeds{"codenx", "codex", "cognexia", "fluxbase", "centrali"};

// Where describe_delivery finds the id that build_delivery put in: the body or an event header.
// Standard Webhooks and Svix carry it in headers that signing adds; the seeds document none
// (CognexiaAI's "event ID" is sent as "id").
const std::set<std::string> k_carries_id{"cognexia", "stripe", "github", "github-sha1", "slack",
                                         "shopify",  "paddle", "twilio", "discord"};

BuildInput input_for(std::string provider, std::string event = "") {
    return hooks::testing::catalog_input(std::move(provider), std::move(event), k_id, k_now);
}

UnsignedRequest build(const BuildInput& input) {
    return hooks::testing::build_request(input);
}

std::string body_of(const BuildInput& input) {
    return build(input).body;
}

std::string error_of(const BuildInput& input) {
    auto built = build_delivery(input);
    REQUIRE_FALSE(built);
    CHECK(built.error().kind == ErrorKind::usage);
    return built.error().message;
}

nlohmann::ordered_json parsed(const std::string& body) {
    return nlohmann::ordered_json::parse(body);
}

// What describe_delivery reports as the event type: the catalog's name, except Codex's payload
// words ("publish"; a label event sends "insert") and Twilio, whose messaging callbacks name
// no event.
std::optional<std::string> expected_event_type(const std::string& provider,
                                               const std::string& name) {
    if (provider == "twilio") {
        return std::nullopt;
    }
    if (provider == "codex") {
        if (name.starts_with("label.")) {
            return name == "label.added" ? "insert" : "delete";
        }
        return name.substr(name.find('.') + 1);
    }
    return name;
}

std::optional<std::string> header_value(const UnsignedRequest& built, std::string_view name) {
    for (const message::Header& header : built.headers) {
        if (message::names_equal(header.name, name)) {
            return header.value;
        }
    }
    return std::nullopt;
}

void check_form(const std::string& body) {
    std::string_view rest = body;
    while (!rest.empty()) {
        std::string_view pair = rest.substr(0, rest.find('&'));
        REQUIRE(pair.find('=') != std::string_view::npos);
        CHECK(pair.find_first_of(" \"{}") == std::string_view::npos);
        rest.remove_prefix(std::min(rest.size(), pair.size() + 1));
    }
}

void check_event(const std::string& provider, const std::string& name) {
    INFO(provider << " " << name);
    UnsignedRequest built = build(input_for(provider, name));
    CHECK(built.method == "POST");
    CHECK(built.body.find("{{") == std::string::npos);
    for (const message::Header& header : built.headers) {
        CHECK(header.value.find("{{") == std::string::npos);
        CHECK(message::validate_header(header.name, header.value));
    }
    if (provider == "twilio") {
        CHECK(built.content_type == "application/x-www-form-urlencoded");
        check_form(built.body);
    } else {
        CHECK(built.content_type == "application/json");
        // Compact and unchanged by a parse and re-serialisation, as JSON.stringify(req.body).
        CHECK(parsed(built.body).dump() == built.body);
    }
    if (k_seeds.count(provider) != 0) {
        CHECK(events::check_envelope(provider, built.body).empty());
    }
    message::Message message;
    message.headers = built.headers;
    message.body = built.body;
    auto facts = events::describe_delivery(provider, message);
    CHECK(facts.event_type == expected_event_type(provider, name));
    bool carries_id = k_carries_id.count(provider) != 0 && name != "url_verification";
    CHECK(facts.id == (carries_id ? std::optional(k_id) : std::nullopt));
}

} // namespace

TEST_CASE("every catalog event builds a compact body that listen recognises", "[events]") {
    for (const std::string& provider : k_providers) {
        auto events = list_events(provider);
        INFO(provider);
        REQUIRE_FALSE(events.empty());
        for (const auto& event : events) {
            CHECK_FALSE(event.summary.empty());
            check_event(provider, event.name);
        }
    }
}

TEST_CASE("list_events follows the provider documents' order", "[events]") {
    auto names = [](std::string_view provider) {
        std::vector<std::string> out;
        for (const auto& event : list_events(provider)) {
            out.push_back(event.name);
        }
        return out;
    };
    CHECK(names("codenx") == std::vector<std::string>{"record.created", "record.updated",
                                                      "record.deleted", "bulk.imported",
                                                      "pipeline.completed", "schema.changed"});
    CHECK(names("fluxbase") == std::vector<std::string>{"INSERT", "UPDATE", "DELETE"});
    CHECK(names("centrali") == std::vector<std::string>{"record.created", "record.updated",
                                                        "record.deleted", "function.completed",
                                                        "function.failed", "trigger.fired"});
    CHECK(names("cognexia").size() == 10);
    CHECK(names("codex").size() == 30);
    CHECK(names("github") == std::vector<std::string>{"push", "pull_request.opened",
                                                      "issues.opened", "ping", "release.published",
                                                      "workflow_run.completed", "star.created"});
    CHECK(names("discord") == std::vector<std::string>{"PING", "APPLICATION_COMMAND"});
    CHECK(names("svix") == names("standard"));
    CHECK(list_events("acme").empty());
}

TEST_CASE("the id and the timestamps go where each provider carries them", "[events]") {
    auto stripe = parsed(body_of(input_for("stripe", "invoice.paid")));
    CHECK(stripe["id"] == k_id);
    CHECK(stripe["created"] == 1742035320);
    CHECK(stripe["data"]["object"]["object"] == "invoice");
    CHECK(body_of(input_for("stripe"))
              .starts_with(R"({"id":")" + k_id + R"(","object":"event","api_version":)"));

    auto github = build(input_for("github", "pull_request.opened"));
    CHECK(header_value(github, "X-GitHub-Delivery") == k_id);
    CHECK(header_value(github, "X-GitHub-Event") == "pull_request");
    CHECK(header_value(github, "User-Agent")->starts_with("GitHub-Hookshot/"));
    CHECK(parsed(github.body)["pull_request"]["created_at"] == "2025-03-15T10:42:00Z");
    // Push payloads write the repository's times as UNIX seconds.
    CHECK(parsed(body_of(input_for("github", "push")))["repository"]["pushed_at"] == 1742035320);

    auto shopify = build(input_for("shopify", "orders/paid"));
    CHECK(header_value(shopify, "X-Shopify-Webhook-Id") == k_id);
    CHECK(header_value(shopify, "X-Shopify-Topic") == "orders/paid");
    CHECK(header_value(shopify, "X-Shopify-Triggered-At") == "2025-03-15T10:42:00.123Z");
    CHECK(parsed(shopify.body)["financial_status"] == "paid");
    CHECK(shopify.body.find("820982911946154508") != std::string::npos);

    auto paddle = parsed(body_of(input_for("paddle")));
    CHECK(paddle["notification_id"] == k_id);
    CHECK(paddle["event_id"] == "evt_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    CHECK(paddle["occurred_at"] == "2025-03-15T10:42:00.123000Z");

    CHECK(parsed(body_of(input_for("codenx")))["timestamp"] == "2025-03-15T10:42:00.123Z");
    CHECK(parsed(body_of(input_for("centrali")))["timestamp"] == "2025-03-15T10:42:00Z");
    CHECK(parsed(body_of(input_for("fluxbase")))["timestamp"] == "2025-03-15T10:42:00.123Z");
    CHECK(parsed(body_of(input_for("standard")))["timestamp"] == "2025-03-15T10:42:00.123000Z");
    auto slack = parsed(body_of(input_for("slack")));
    CHECK(slack["event_id"] == k_id);
    CHECK(slack["event_time"] == 1742035320);
    CHECK(slack["event"]["ts"] == "1742035320.000200");
    CHECK(header_value(build(input_for("twilio")), "I-Twilio-Idempotency-Token") == k_id);
    CHECK(parsed(body_of(input_for("discord", "APPLICATION_COMMAND")))["id"] == k_id);
}

TEST_CASE("the seed envelopes keep their documents' field order", "[events]") {
    CHECK(body_of(input_for("codenx", "record.updated")) ==
          R"({"event":"record.updated","timestamp":"2025-03-15T10:42:00.123Z",)"
          R"("collection":"products","tenant_id":"ten_abc123","user_id":"usr_xyz789",)"
          R"("record":{"id":"rec_8f3k2m","sku":"KB-MX-042","name":"Mechanical Keyboard",)"
          R"("price":999,"status":"active","stock":42},)"
          R"("previous":{"id":"rec_8f3k2m","sku":"KB-MX-042","name":"Mechanical Keyboard",)"
          R"("price":1299,"status":"active","stock":42},)"
          R"("diff":{"price":{"from":1299,"to":999}}})");
    CHECK(body_of(input_for("centrali"))
              .starts_with(
                  R"({"event":"record.created","workspace":"my-workspace","timestamp":)"
                  R"("2025-03-15T10:42:00Z","data":{"structure":"orders","recordId":"rec_abc123",)"
                  R"("record":{"id":"rec_abc123","customer":"John Doe","total":99.99,)"));
    CHECK(body_of(input_for("fluxbase"))
              .starts_with(R"({"event":"INSERT","table":"users","schema":"public","record":{)"));
    CHECK(body_of(input_for("cognexia", "deal.closed"))
              .starts_with(R"({"id":")" + k_id + R"(","type":"deal.closed","data":{)"));
    CHECK(body_of(input_for("codex", "entry.publish"))
              .starts_with(R"({"event":"publish","model":"recipe","organization":"codex",)"
                           R"("object":{"id":"ce9NGrW6Tl",)"));
    CHECK(body_of(input_for("codex", "job.completed"))
              .starts_with(R"({"organization":"codex-dev","event":"completed",)"
                           R"("model":"importentries","object":{"name":)"));
    CHECK(parsed(body_of(input_for("codex", "media.upload")))["model"] == "image");
}

TEST_CASE("codenx computes the diff from previous and record", "[events]") {
    auto diff_of = [](const BuildInput& input) { return parsed(body_of(input))["diff"].dump(); };
    CHECK(diff_of(input_for("codenx", "record.created")) == "null");
    CHECK(diff_of(input_for("codenx", "record.deleted")) ==
          R"({"status":{"from":"active","to":"deleted"},)"
          R"("deleted_at":{"from":null,"to":"2025-03-15T10:42:00.123Z"}})");
    CHECK(diff_of(input_for("codenx", "schema.changed")) ==
          R"({"name":{"from":"desc","to":"description"}})");

    // --data replaces the record; the diff follows, removed fields last with "to": null.
    BuildInput replaced = input_for("codenx", "record.updated");
    replaced.data = R"({"id": "rec_8f3k2m", "sku": "KB-MX-042", "name": "Mechanical Keyboard",
                        "price": 1299.0, "status": "shipped", "tags": ["new"]})";
    auto body = parsed(body_of(replaced));
    CHECK(body["diff"].dump() == R"({"status":{"from":"active","to":"shipped"},)"
                                 R"("tags":{"from":null,"to":["new"]},)"
                                 R"("stock":{"from":42,"to":null}})");
    // 1299.0 equals 1299, and stays written as the user wrote it.
    CHECK(body_of(replaced).find(R"("price":1299.0,)") != std::string::npos);

    // --set on the record recomputes the diff; --set on the diff itself wins.
    BuildInput set_record = input_for("codenx", "record.updated");
    set_record.sets = {{"record.price", "1099"}};
    CHECK(diff_of(set_record) == R"({"price":{"from":1299,"to":1099}})");
    set_record.sets.emplace_back("/diff", "{}");
    CHECK(diff_of(set_record) == "{}");
}

TEST_CASE("fluxbase DELETE sends the deleted row as old_record too", "[events]") {
    BuildInput input = input_for("fluxbase", "DELETE");
    auto body = parsed(body_of(input));
    CHECK(body["old_record"] == body["record"]);
    input.data = R"({"id":"7","email":"gone@example.com"})";
    input.sets = {{"/record/email", "other@example.com"}};
    body = parsed(body_of(input));
    CHECK(body["old_record"].dump() == R"({"id":"7","email":"other@example.com"})");
    CHECK(parsed(body_of(input_for("fluxbase", "INSERT")))["old_record"].is_null());
}

TEST_CASE("--data replaces the part the envelope wraps, written compactly", "[events]") {
    BuildInput stripe = input_for("stripe", "customer.created");
    stripe.data = R"({"id":"cus_1","object":"customer","balance":12345678901234567890123})";
    auto body = body_of(stripe);
    CHECK(body.find(R"("data":{"object":{"id":"cus_1","object":"customer",)"
                    R"("balance":12345678901234567890123}},"livemode")") != std::string::npos);

    // Whitespace goes, strings take JSON.stringify's escaping, order and numbers stay.
    BuildInput cognexia = input_for("cognexia", "contact.created");
    cognexia.data = "{ \"z\" : 1.50 ,\n \"a\" : \"caf\\u00e9 \\/ \\\"q\\\"\", \"e\": 1E3 }";
    CHECK(body_of(cognexia).ends_with(R"("data":{"z":1.50,"a":"café / \"q\"","e":1E3}})"));

    // As JSON.parse: a repeated name keeps its first place and its last value.
    cognexia.data = R"({"a":1,"b":-0,"a":"\u0001\t\u00e9\ud83d\ude00"})";
    CHECK(body_of(cognexia).ends_with(R"("data":{"a":"\u0001\té😀","b":-0}})"));

    BuildInput centrali = input_for("centrali", "record.updated");
    centrali.data = R"({"id":"rec_9","total":5})";
    CHECK(parsed(body_of(centrali))["data"].dump() ==
          R"({"structure":"orders","recordId":"rec_abc123","record":{"id":"rec_9","total":5}})");

    BuildInput github = input_for("github", "push");
    github.data = R"({"ref":"refs/heads/dev"})";
    CHECK(body_of(github) == R"({"ref":"refs/heads/dev"})");

    BuildInput twilio = input_for("twilio");
    twilio.data = R"({"Body":"Hi & bye","NumMedia":0,"From":"+15005550006","Flag":true})";
    CHECK(body_of(twilio) == "Body=Hi+%26+bye&NumMedia=0&From=%2B15005550006&Flag=true");
    twilio.data = R"({"Body":{"nested":1}})";
    CHECK(error_of(twilio) == "twilio form field 'Body' must be a string, number or boolean");
    twilio.data = "[1]";
    CHECK(error_of(twilio) == "twilio bodies are form fields: give --data as a JSON object");

    BuildInput broken = input_for("codenx");
    broken.data = R"({"price": 01})";
    CHECK(error_of(broken).starts_with("--data is not JSON (invalid number at byte "));
    broken.data = "";
    CHECK(error_of(broken) == "--data is not JSON (empty text)");
    broken.data = "{\"a\":\"\xff\"}";
    CHECK(error_of(broken) == "--data is not JSON (invalid UTF-8)");
    broken.data = std::string(600, '[') + std::string(600, ']');
    CHECK(error_of(broken) == "--data is not JSON (nested deeper than 512 levels)");
}

TEST_CASE("--set writes values by JSON Pointer or dotted path", "[events]") {
    BuildInput input = input_for("stripe", "payment_intent.succeeded");
    input.sets = {{"/data/object/amount", "4200"},
                  {"data.object.currency", "eur"},
                  {"data.object.metadata.note", R"({"a":[1,true,null]})"},
                  {"/data/object/metadata/a~1b~0c", "\"42\""},
                  {"data.object.payment_method_types.-", "link"},
                  {"data.object.payment_method_types.0", "card_present"},
                  {"livemode", "true"}};
    auto body = parsed(body_of(input));
    const auto& object = body["data"]["object"];
    CHECK(object["amount"] == 4200);
    CHECK(object["currency"] == "eur");
    CHECK(object["metadata"]["note"].dump() == R"({"a":[1,true,null]})");
    CHECK(object["metadata"]["a/b~c"] == "42");
    CHECK(object["payment_method_types"].dump() == R"(["card_present","link"])");
    CHECK(body["livemode"] == true);

    // A null on the way becomes an object.
    BuildInput flux = input_for("fluxbase", "INSERT");
    flux.sets = {{"old_record.id", "x"}};
    CHECK(parsed(body_of(flux))["old_record"].dump() == R"({"id":"x"})");

    auto error_for = [](std::string path, std::string value) {
        BuildInput failing = input_for("stripe", "charge.refunded");
        failing.sets = {{std::move(path), std::move(value)}};
        return error_of(failing);
    };
    CHECK(error_for("/data/object/currency/x", "1") ==
          "--set /data/object/currency/x: /data/object/currency is a string, not an object or "
          "array");
    CHECK(error_for("data..amount", "1") ==
          "--set data..amount: empty name in a dotted path (use a JSON Pointer for such names)");
    CHECK(error_for("/a~2", "1") == "--set /a~2: '~' must be followed by 0 or 1 in a JSON Pointer");
    CHECK(error_for("", "1") == "--set : empty path");
    std::string deep;
    for (int i = 0; i < 600; ++i) {
        deep += "a.";
    }
    CHECK(error_for(deep + "a", "1").ends_with(": more than 512 names in the path"));
    BuildInput array = input_for("stripe", "payment_intent.succeeded");
    array.sets = {{"data.object.payment_method_types.3", "x"}};
    CHECK(error_of(array) == "--set data.object.payment_method_types.3: "
                             "/data/object/payment_method_types/3 is past the end of the array "
                             "(1 items)");
    array.sets = {{"data.object.payment_method_types.first", "x"}};
    CHECK(error_of(array) == "--set data.object.payment_method_types.first: "
                             "/data/object/payment_method_types is an array: 'first' is not an "
                             "index (0, 1, ... or - to append)");
}

TEST_CASE("codex --map builds the custom payload from the envelope", "[events]") {
    BuildInput input = input_for("codex", "entry.publish");
    input.maps = {{"Id", "/object/id"}, {"Title", "/object/content/title"}, {"Event", "/event"}};
    CHECK(body_of(input) == R"({"Id":"ce9NGrW6Tl","Title":"My first recipe","Event":"publish"})");
    input.sets = {{"/object/id", "ceOTHER"}};
    input.maps = {{"Id", "/object/id"}, {"Tags", "object.content.tags"}};
    CHECK(body_of(input) == R"({"Id":"ceOTHER","Tags":["healthy","recipe","homemade"]})");
    input.data = R"({"id":"ceDATA"})";
    input.sets.clear();
    input.maps = {{"Id", "/object/id"}};
    CHECK(body_of(input) == R"({"Id":"ceDATA"})");

    input.maps = {{"Id", "/object/nope"}};
    CHECK(error_of(input) == "--map Id=/object/nope: /object/nope is not in the envelope");
    input.maps = {{"Id", "/object/id"}, {"Id", "/event"}};
    CHECK(error_of(input) == "--map Id=/event: the name is given twice");
    input.maps = {{"", "/event"}};
    CHECK(error_of(input) == "--map =/event: the name is empty");
    BuildInput stripe = input_for("stripe");
    stripe.maps = {{"Id", "/id"}};
    CHECK(error_of(stripe) == "--map is for codex custom payloads, not stripe");
}

TEST_CASE("unknown events and providers fail naming the known ones", "[events]") {
    CHECK(error_of(input_for("codenx", "record.upserted")) ==
          "unknown event 'record.upserted' for codenx; known: record.created, record.updated, "
          "record.deleted, bulk.imported, pipeline.completed, schema.changed");
    CHECK(
        error_of(input_for("acme"))
            .starts_with("no event catalog for provider 'acme'; providers with events: codenx, "));
    CHECK(parsed(body_of(input_for("codenx")))["event"] == "record.created");
    BuildInput bad_id = input_for("github");
    bad_id.id = "a\r\nX-Injected: 1";
    CHECK(error_of(bad_id) == "header 'X-GitHub-Delivery' value contains CR, LF or NUL");
}

TEST_CASE("has_changed compares record and previous for field-level triggers", "[events]") {
    std::string updated = body_of(input_for("codenx", "record.updated"));
    CHECK(has_changed(updated, "price") == true);
    CHECK(has_changed(updated, "status") == false);
    CHECK(has_changed(updated, "/name") == false);
    CHECK(has_changed(updated, "missing") == false);
    std::string created = body_of(input_for("codenx", "record.created"));
    CHECK(has_changed(created, "status") == true);
    CHECK(has_changed(created, "missing") == false);
    CHECK(has_changed(R"({"record":{"a":{"b":1.0}},"previous":{"a":{"b":1}}})", "a.b") == false);
    CHECK(has_changed(R"({"record":{"a":{"b":2}},"previous":{"a":{"b":1}}})", "a.b") == true);

    auto no_record = has_changed(body_of(input_for("stripe")), "status");
    REQUIRE_FALSE(no_record);
    CHECK(no_record.error().kind == ErrorKind::usage);
    CHECK(no_record.error().message ==
          "--only-if-changed status: the body has no record object to compare with previous "
          "(field-level triggers are CodeNx's)");
    auto not_json = has_changed("status=1", "status");
    REQUIRE_FALSE(not_json);
    CHECK(not_json.error().message.starts_with("--only-if-changed status: the body is not JSON"));
    CHECK_FALSE(has_changed(updated, ""));
    CHECK_FALSE(has_changed(R"({"record":{},"previous":"x"})", "a"));
}
