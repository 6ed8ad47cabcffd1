// SPDX-License-Identifier: MIT
// The inspector's server side without a browser: its security checks, API answers, verdicts,
// actions (check, re-sign, replay through a fake transport) through Inspector::handle(); the
// live stream over a real socket on 127.0.0.1.
#include "core/http/client.hpp"
#include "core/inspect/inspector.hpp"
#include "core/inspect/views.hpp"
#include "core/log/writer.hpp"
#include "support/fake_clock.hpp"
#include "support/fake_transport.hpp"
#include "support/temp_dir.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <thread>

using namespace hooks;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr std::string_view k_token = "0123456789abcdef0123456789abcdef";
constexpr std::string_view k_secret = "whsec_inspector_secret";
constexpr std::uint16_t k_port = 4000;

std::chrono::system_clock::time_point arrival() {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1'796'000'000));
}

struct Fixture {
    providers::Registry registry = providers::Registry::builtin();
    testing::FakeClock clock{arrival() + 10s};
    testing::FakeTransport transport;
    inspect::Store store;
    inspect::InspectorConfig config;

    Fixture() {
        config.token = std::string(k_token);
        config.registry = &registry;
        config.is_auto = true;
        config.secrets = {{std::string(k_secret), "--secret #1"}};
        config.port = k_port;
        config.clock = &clock;
        config.transport = &transport;
        config.version = "9.9";
    }

    /// A delivery signed by `provider` with the fixture's secret at arrival(), stored.
    std::uint64_t add_signed(std::string_view provider, std::string body,
                             std::optional<std::string> id = "evt_1") {
        auto scheme = registry.find(provider);
        REQUIRE(scheme.has_value());
        std::vector<providers::Secret> secrets = {{std::string(k_secret), "--secret #1"}};
        providers::SignInput input;
        input.body = body;
        input.secrets = secrets;
        input.id = id.value_or("");
        input.timestamp =
            std::chrono::duration_cast<providers::UnixMillis>(arrival().time_since_epoch());
        input.url = "http://127.0.0.1:8080/hooks";
        auto signature = (*scheme)->sign(input);
        INFO((signature ? std::string() : signature.error().message));
        REQUIRE(signature.has_value());
        inspect::Entry entry;
        entry.record.id = std::move(id);
        entry.record.received_at = arrival();
        entry.record.message.target = "/hooks";
        entry.record.message.headers = {{"Host", "127.0.0.1:8080"},
                                        {"Content-Type", "application/json"}};
        for (const auto& header : signature->headers) {
            entry.record.message.headers.push_back(header);
        }
        entry.record.message.body = signature->body.value_or(std::move(body));
        entry.record.verify = log::VerifyOutcome{std::string(provider), true, "recorded"};
        entry.provider = std::string(provider);
        return store.add(std::move(entry));
    }

    /// `entry` written to `log` and stored with its place there, as listen --ui --log does.
    std::uint64_t add_logged(inspect::Entry entry, log::Writer& log) {
        log::Batch batch;
        batch.ask_place(true);
        batch.add(entry.record);
        log::BatchResult written = log.append_batch(batch);
        REQUIRE(written.first_offset.has_value());
        entry.record.seq = written.first_seq;
        return store.add(entry, log::Logged{batch.line(0),
                                            log::Place{*written.first_offset,
                                                       batch.written_size(0, written.first_seq)},
                                            &log});
    }
};

http::IncomingRequest request_for(std::string method, std::string target,
                                  std::vector<message::Header> headers = {},
                                  std::string body = {}) {
    http::IncomingRequest request;
    request.message.method = std::move(method);
    request.message.target = std::move(target);
    request.message.headers = {{"Host", "127.0.0.1:" + std::to_string(k_port)}};
    for (auto& header : headers) {
        request.message.headers.push_back(std::move(header));
    }
    request.message.body = std::move(body);
    return request;
}

http::IncomingRequest api_get(std::string target) {
    return request_for("GET", std::move(target), {{"X-Hooks-Token", std::string(k_token)}});
}

http::IncomingRequest api_post(std::string target, std::string body) {
    return request_for("POST", std::move(target),
                       {{"X-Hooks-Token", std::string(k_token)},
                        {"Content-Type", "application/json"},
                        {"Origin", "http://127.0.0.1:" + std::to_string(k_port)},
                        {"Sec-Fetch-Site", "same-origin"}},
                       std::move(body));
}

std::string header_of(const http::Response& response, std::string_view name) {
    for (const auto& header : response.headers) {
        if (message::names_equal(header.name, name)) {
            return header.value;
        }
    }
    return "";
}

std::string edit_of(std::string body, bool resign, json headers = nullptr) {
    json edit = {{"body_text", std::move(body)}, {"resign", resign}};
    if (!headers.is_null()) {
        edit["headers"] = std::move(headers);
    }
    return edit.dump();
}

} // namespace

TEST_CASE("a Host header other than a loopback name with the inspector's port gets 421",
          "[inspect]") {
    Fixture fixture;
    inspect::Inspector inspector(fixture.config, fixture.store);
    for (std::string host : {"evil.example:4000", "127.0.0.1:4001", "127.0.0.1",
                             "localhost.evil:4000", "127.0.0.2:4000", ""}) {
        auto request = api_get("/api/info");
        request.message.headers[0].value = host;
        auto response = inspector.handle(request);
        INFO(host);
        CHECK(response.status == 421);
        CHECK_FALSE(header_of(response, "Content-Security-Policy").empty());
    }
    for (std::string host : {"127.0.0.1:4000", "localhost:4000", "LOCALHOST:4000", "[::1]:4000"}) {
        auto request = api_get("/api/info");
        request.message.headers[0].value = host;
        INFO(host);
        CHECK(inspector.handle(request).status == 200);
    }
    auto no_host = api_get("/api/info");
    no_host.message.headers.erase(no_host.message.headers.begin());
    CHECK(inspector.handle(no_host).status == 421);
}

TEST_CASE("every API request needs the run's token; a POST also same-origin JSON", "[inspect]") {
    Fixture fixture;
    fixture.add_signed("github", R"({"zen":"x"})");
    inspect::Inspector inspector(fixture.config, fixture.store);
    CHECK(inspector.handle(request_for("GET", "/api/info")).status == 403);
    CHECK(inspector
              .handle(request_for("GET", "/api/deliveries/1",
                                  {{"X-Hooks-Token", std::string(32, '0')}}))
              .status == 403);
    CHECK(inspector.handle(request_for("GET", "/api/deliveries?token=wrong")).status == 403);
    CHECK(inspector.handle(request_for("GET", "/api/deliveries?token=" + std::string(k_token)))
              .status == 200);
    CHECK(inspector.handle(api_get("/api/deliveries/1")).status == 200);

    std::string edit = edit_of("{}", false);
    CHECK(inspector.handle(api_post("/api/deliveries/1/check", edit)).status == 200);
    // The token in the query is for the stream and downloads (no header there), never a POST.
    auto query_token = request_for("POST", "/api/deliveries/1/check?token=" + std::string(k_token),
                                   {{"Content-Type", "application/json"}}, edit);
    CHECK(inspector.handle(query_token).status == 403);
    auto form = api_post("/api/deliveries/1/check", edit);
    form.message.headers[2].value = "text/plain";
    CHECK(inspector.handle(form).status == 403);
    auto cross_origin = api_post("/api/deliveries/1/check", edit);
    cross_origin.message.headers[3].value = "http://evil.example";
    CHECK(inspector.handle(cross_origin).status == 403);
    auto cross_site = api_post("/api/deliveries/1/check", edit);
    cross_site.message.headers[4].value = "cross-site";
    CHECK(inspector.handle(cross_site).status == 403);
    auto same_site = api_post("/api/deliveries/1/check", edit);
    same_site.message.headers[4].value = "same-site";
    CHECK(inspector.handle(same_site).status == 403);
}

TEST_CASE("the page is served from its folder with the policy; nothing outside it", "[inspect]") {
    Fixture fixture;
    test::TempDir dir;
    std::ofstream(dir.path / "index.html") << "<!doctype html><title>inspector</title>";
    std::ofstream(dir.path / "app.js") << "export const x = 1;";
    std::ofstream(dir.path / ".secret.js") << "no";
    std::ofstream(dir.path / "notes.txt") << "no";
    fixture.config.assets_dir = dir.path.string();
    inspect::Inspector inspector(fixture.config, fixture.store);

    auto index = inspector.handle(request_for("GET", "/"));
    CHECK(index.status == 200);
    CHECK(index.body == "<!doctype html><title>inspector</title>");
    CHECK(header_of(index, "Content-Type") == "text/html; charset=utf-8");
    CHECK(header_of(index, "Content-Security-Policy") ==
          "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    CHECK(header_of(index, "X-Content-Type-Options") == "nosniff");
    CHECK(header_of(index, "X-Frame-Options") == "DENY");
    auto script = inspector.handle(request_for("GET", "/app.js?v=1"));
    CHECK(script.status == 200);
    CHECK(header_of(script, "Content-Type") == "text/javascript; charset=utf-8");
    for (std::string target : {"/.secret.js", "/notes.txt", "/../index.html", "/sub/app.js",
                               "/%2e%2e/index.html", "/missing.js"}) {
        INFO(target);
        CHECK(inspector.handle(request_for("GET", target)).status == 404);
    }
    CHECK(inspector.handle(request_for("POST", "/")).status == 405);
}

TEST_CASE("the list and a delivery's detail say what was recorded and verify it again",
          "[inspect]") {
    Fixture fixture;
    fixture.add_signed("stripe", R"({"id":"evt_1","type":"invoice.paid"})");
    fixture.add_signed("stripe", R"({"id":"evt_1","type":"invoice.paid","x":1})");
    // The second one's body changed after signing: a tampered retry.
    inspect::Entry tampered = *fixture.store.find(2)->entry();
    tampered.record.message.body = R"({"id":"evt_1","type":"invoice.paid","x":2})";
    tampered.record.verify = log::VerifyOutcome{"stripe", false, "signature mismatch"};
    fixture.store.add(std::move(tampered));
    inspect::Inspector inspector(fixture.config, fixture.store);

    auto list = json::parse(inspector.handle(api_get("/api/deliveries?after=1")).body);
    REQUIRE(list["fields"] == json::parse(inspect::summary_fields_json()));
    auto column = [&](std::string_view field) {
        auto found = std::find(list["fields"].begin(), list["fields"].end(), field);
        REQUIRE(found != list["fields"].end());
        return static_cast<std::size_t>(found - list["fields"].begin());
    };
    REQUIRE(list["rows"].size() == 2);
    CHECK(list["rows"][0][column("seq")] == 2);
    CHECK(list["last_seq"] == 3);
    CHECK(list["rows"][1][column("verdict")] == "invalid");
    CHECK(list["rows"][1][column("attempt")] == 3);
    CHECK(list["rows"][1][column("redelivery")] == true);
    CHECK(list["rows"][1][column("id")] == "evt_1");

    auto valid = json::parse(inspector.handle(api_get("/api/deliveries/1")).body);
    CHECK(valid["verify"]["ok"] == true);
    CHECK(valid["verify"]["recorded"] == false);
    CHECK(valid["verify"]["header"] == "Stripe-Signature");
    CHECK(valid["verify"]["matched_secret"] == "--secret #1");
    CHECK(valid["verify"]["skew_seconds"] == 0);
    CHECK(valid["verify"]["tolerance_seconds"] == 300);
    CHECK(valid["body_text"] == R"({"id":"evt_1","type":"invoice.paid"})");
    CHECK(valid["headers"][0] == json::array({"Host", "127.0.0.1:8080"}));
    REQUIRE(valid["attempts"].size() == 3);
    CHECK(valid["attempts"][1]["delay_ms"] == 0);

    auto invalid = json::parse(inspector.handle(api_get("/api/deliveries/3")).body);
    CHECK(invalid["verify"]["ok"] == false);
    CHECK(invalid["verify"]["check"] == "signature");
    CHECK_FALSE(invalid["verify"]["signed_content"].get<std::string>().empty());
    CHECK_FALSE(invalid["verify"]["findings"].empty());

    CHECK(inspector.handle(api_get("/api/deliveries/9")).status == 404);
    CHECK(inspector.handle(api_get("/api/deliveries/x")).status == 404);
}

TEST_CASE("without secrets the detail shows the verdict the log recorded", "[inspect]") {
    Fixture fixture;
    fixture.config.secrets.clear();
    fixture.add_signed("github", R"({"zen":"x"})");
    inspect::Inspector inspector(fixture.config, fixture.store);
    auto detail = json::parse(inspector.handle(api_get("/api/deliveries/1")).body);
    CHECK(detail["verify"]["recorded"] == true);
    CHECK(detail["verify"]["reason"] == "recorded");
    auto info = json::parse(inspector.handle(api_get("/api/info")).body);
    CHECK(info["can_resign"] == false);
    CHECK(info["replay_to"].is_null());
}

TEST_CASE("a delivery the log holds is read from it; once the log lost it, the answer is 410",
          "[inspect]") {
    Fixture fixture;
    test::TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = log::Writer::open(path);
    REQUIRE(writer.has_value());
    inspect::Entry entry;
    entry.record.received_at = arrival();
    entry.record.message.target = "/hooks";
    entry.record.message.body = R"({"kept":"in the log"})";
    fixture.add_logged(entry, **writer);
    inspect::Inspector inspector(fixture.config, fixture.store);
    auto found = inspector.handle(api_get("/api/deliveries/1"));
    REQUIRE(found.status == 200);
    CHECK(json::parse(found.body)["body_text"] == R"({"kept":"in the log"})");

    std::filesystem::resize_file(path, 0);
    auto gone = inspector.handle(api_get("/api/deliveries/1/jsonl"));
    CHECK(gone.status == 410);
    CHECK(json::parse(gone.body)["error"].get<std::string>().starts_with(
        "cannot read delivery 1 back: " + path + " is shorter than when"));
    // A request no delivery answers is refused as such, before the log is read.
    CHECK(inspector.handle(api_post("/api/deliveries/1", "{}")).status == 405);
    CHECK(inspector.handle(api_get("/api/deliveries/1/replay")).status == 405);
    CHECK(inspector.handle(api_get("/api/deliveries/1/nothing")).status == 405);
}

TEST_CASE("a delivery's attempts are listed from the store, also one the log lost", "[inspect]") {
    Fixture fixture;
    test::TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = log::Writer::open(path);
    REQUIRE(writer.has_value());
    inspect::Entry first;
    first.record.id = "evt_retried";
    first.record.received_at = arrival();
    first.record.message.target = "/hooks";
    first.record.message.body = "{}";
    first.record.response_status = 500;
    first.record.verify = log::VerifyOutcome{"github", false, "no match"};
    fixture.add_logged(first, **writer);
    inspect::Entry second = first; // kept in memory
    second.record.received_at = arrival() + 90s;
    second.record.response_status = 204;
    second.record.verify = log::VerifyOutcome{"github", true, "matches"};
    fixture.store.add(second);
    std::filesystem::resize_file(path, 0);

    inspect::Inspector inspector(fixture.config, fixture.store);
    CHECK(inspector.handle(api_get("/api/deliveries/1")).status == 410);
    auto found = inspector.handle(api_get("/api/deliveries/2"));
    REQUIRE(found.status == 200);
    auto attempts = json::parse(found.body)["attempts"];
    REQUIRE(attempts.size() == 2);
    CHECK(attempts[0]["seq"] == 1);
    CHECK(attempts[0]["received_at"] == log::format_rfc3339(arrival()));
    CHECK(attempts[0]["status"] == 500);
    CHECK(attempts[0]["verdict"] == "invalid");
    CHECK(attempts[0]["delay_ms"].is_null());
    CHECK(attempts[1]["seq"] == 2);
    CHECK(attempts[1]["status"] == 204);
    CHECK(attempts[1]["verdict"] == "valid");
    CHECK(attempts[1]["delay_ms"] == 90'000);
}

TEST_CASE("check: an edited body is invalid as it stands and valid once re-signed; the secret "
          "never comes back",
          "[inspect]") {
    Fixture fixture;
    fixture.add_signed("github", R"({"zen":"x"})");
    inspect::Inspector inspector(fixture.config, fixture.store);
    auto answer =
        inspector.handle(api_post("/api/deliveries/1/check", edit_of(R"({"zen":"edited"})", true)));
    REQUIRE(answer.status == 200);
    auto checked = json::parse(answer.body);
    CHECK(checked["before"]["ok"] == false);
    CHECK(checked["after"]["ok"] == true);
    CHECK(checked["after"]["provider"] == "github");
    CHECK(answer.body.find(k_secret) == std::string::npos);
    auto unchanged = json::parse(
        inspector.handle(api_post("/api/deliveries/1/check", edit_of(R"({"zen":"x"})", false)))
            .body);
    CHECK(unchanged["before"]["ok"] == true);
    CHECK(unchanged["after"].is_null());
    auto bad =
        inspector.handle(api_post("/api/deliveries/1/check", R"({"headers":[["Bad Name","x"]]})"));
    CHECK(bad.status == 400);
    CHECK(inspector.handle(api_post("/api/deliveries/1/check", "[1]")).status == 400);
}

TEST_CASE("a provider that sends the secret itself has it masked in every view", "[inspect]") {
    Fixture fixture;
    fixture.add_signed("gitlab", R"({"object_kind":"push"})");
    inspect::Inspector inspector(fixture.config, fixture.store);
    for (std::string target : {"/api/deliveries/1", "/api/deliveries/1/har",
                               "/api/deliveries/1/jsonl", "/api/deliveries"}) {
        auto response = inspector.handle(api_get(target));
        INFO(target);
        CHECK(response.status == 200);
        CHECK(response.body.find(k_secret) == std::string::npos);
    }
    auto detail = json::parse(inspector.handle(api_get("/api/deliveries/1")).body);
    CHECK(detail["verify"]["ok"] == true);
    // The page sends the masked value back; the server puts the real one in again.
    auto checked = inspector.handle(api_post(
        "/api/deliveries/1/check", edit_of(R"({"object_kind":"push"})", false, detail["headers"])));
    CHECK(json::parse(checked.body)["before"]["ok"] == true);
    CHECK(checked.body.find(k_secret) == std::string::npos);
}

TEST_CASE("replay goes only to the configured destination, re-signed when asked", "[inspect]") {
    Fixture fixture;
    std::string body = R"({"id":"evt_1","type":"invoice.paid"})";
    fixture.add_signed("stripe", body);
    {
        inspect::Inspector inspector(fixture.config, fixture.store);
        auto refused = inspector.handle(api_post("/api/deliveries/1/replay", "{}"));
        CHECK(refused.status == 409);
        CHECK(fixture.transport.sent().empty());
    }
    auto destination = http::parse_url("http://127.0.0.1:3000/webhooks");
    REQUIRE(destination.has_value());
    fixture.config.replay_to = *destination;
    fixture.transport.push(testing::respond(204));
    inspect::Inspector inspector(fixture.config, fixture.store);

    auto as_recorded = inspector.handle(
        api_post("/api/deliveries/1/replay", R"({"url":"http://evil.example/steal"})"));
    REQUIRE(as_recorded.status == 200);
    auto sent = json::parse(as_recorded.body);
    CHECK(sent["status"] == 204);
    CHECK(sent["url"] == "http://127.0.0.1:3000/webhooks");
    REQUIRE(fixture.transport.sent().size() == 1);
    message::Message first = fixture.transport.sent()[0];
    CHECK(first.target == "/webhooks");
    CHECK(first.body == body);
    // As recorded, in order, but for Host (the destination's, in its place).
    std::vector<message::Header> expected = fixture.store.find(1)->entry()->record.message.headers;
    expected[0].value = "127.0.0.1:3000";
    CHECK(first.headers == expected);

    std::string edited = R"({"id":"evt_1","type":"invoice.paid","amount":1})";
    auto resigned = json::parse(
        inspector.handle(api_post("/api/deliveries/1/replay", edit_of(edited, true))).body);
    CHECK(resigned["before"]["ok"] == false);
    CHECK(resigned["after"]["ok"] == true);
    REQUIRE(fixture.transport.sent().size() == 2);
    message::Message second = fixture.transport.sent()[1];
    CHECK(second.body == edited);
    CHECK(second.first_header("Content-Length") == std::nullopt);
    auto scheme = fixture.registry.find("stripe");
    providers::VerifyInput input(second, fixture.config.secrets);
    input.now = time::unix_millis(fixture.clock);
    auto verified = (*scheme)->verify(input);
    REQUIRE(verified.has_value());
    CHECK(verified->is_valid);
}

TEST_CASE("a replay that cannot reach its destination says why", "[inspect]") {
    Fixture fixture;
    fixture.add_signed("github", R"({"zen":"x"})");
    fixture.config.replay_to = *http::parse_url("http://127.0.0.1:3000");
    fixture.transport.push(testing::fail_with(http::Failure::connect, "connection refused"));
    inspect::Inspector inspector(fixture.config, fixture.store);
    auto answer = json::parse(inspector.handle(api_post("/api/deliveries/1/replay", "{}")).body);
    CHECK(answer["status"].is_null());
    CHECK(answer["error"] == "connection refused");
}

namespace {

std::string stream_from(const inspect::Inspector& inspector, std::string query,
                        std::vector<message::Header> headers = {}) {
    auto origin = http::parse_url("http://127.0.0.1:" + std::to_string(inspector.port()));
    REQUIRE(origin.has_value());
    auto client = http::Client::create(*origin, {});
    REQUIRE(client.has_value());
    message::Message request;
    request.method = "GET";
    request.target = "/api/stream?token=" + std::string(k_token) + query;
    request.headers = {{"Host", "127.0.0.1:" + std::to_string(inspector.port())}};
    for (auto& header : headers) {
        request.headers.push_back(std::move(header));
    }
    auto response = (*client)->send(request);
    REQUIRE(response.has_value());
    CHECK(response->status == 200);
    return response->body;
}

/// The seqs of the rows in a stream answer's one event, after checking that its id is the last.
std::vector<std::uint64_t> streamed_seqs(const std::string& answer) {
    std::size_t event = answer.find("id: ");
    if (event == std::string::npos) {
        return {};
    }
    std::size_t data = answer.find("\nevent: deliveries\ndata: ", event);
    REQUIRE(data != std::string::npos);
    auto id = std::stoull(answer.substr(event + 4, data - event - 4));
    std::size_t start = data + std::string_view("\nevent: deliveries\ndata: ").size();
    REQUIRE(answer.ends_with("\n\n"));
    auto rows = json::parse(answer.substr(start, answer.size() - start - 2));
    std::vector<std::uint64_t> seqs;
    for (const auto& row : rows) {
        CHECK(row.size() == inspect::k_summary_fields.size());
        seqs.push_back(row[0].get<std::uint64_t>()); // "seq" comes first
    }
    REQUIRE_FALSE(seqs.empty());
    CHECK(id == seqs.back());
    return seqs;
}

} // namespace

TEST_CASE("the stream sends what is new since a seq, waits for the next, and resumes by "
          "Last-Event-ID",
          "[inspect]") {
    Fixture fixture;
    fixture.config.stream_wait = 300ms;
    fixture.add_signed("github", R"({"zen":"1"})");
    fixture.add_signed("github", R"({"zen":"2"})");
    inspect::Inspector inspector(fixture.config, fixture.store);
    REQUIRE(inspector.bind("127.0.0.1", 0).has_value());
    CHECK(inspector.url().ends_with("/#token=" + std::string(k_token)));
    std::thread server([&] { inspector.run(); });

    std::string both = stream_from(inspector, "&after=0");
    CHECK(both.starts_with("retry: 250\n\n"));
    CHECK(streamed_seqs(both) == std::vector<std::uint64_t>{1, 2});
    // Last-Event-ID (what EventSource sends when it reconnects) wins over the query.
    std::string resumed = stream_from(inspector, "&after=0", {{"Last-Event-ID", "1"}});
    CHECK(streamed_seqs(resumed) == std::vector<std::uint64_t>{2});
    // Nothing new: the answer waits, then ends with a keep-alive comment.
    CHECK(stream_from(inspector, "&after=2") == "retry: 250\n\n: keep-alive\n\n");
    // A delivery that arrives while the stream waits is sent at once.
    fixture.config.stream_wait = 10s;
    std::thread adder([&] {
        std::this_thread::sleep_for(100ms);
        fixture.add_signed("github", R"({"zen":"3"})");
    });
    std::string third = stream_from(inspector, "&after=2");
    adder.join();
    CHECK(streamed_seqs(third) == std::vector<std::uint64_t>{3});
    inspector.stop();
    server.join();
}

TEST_CASE("a client that reconnects at once gets the deliveries of a moment in one answer, "
          "none lost",
          "[inspect]") {
    Fixture fixture;
    inspect::Inspector inspector(fixture.config, fixture.store);
    REQUIRE(inspector.bind("127.0.0.1", 0).has_value());
    std::thread server([&] { inspector.run(); });
    // A delivery every 250 µs for a second or more while the client asks again as soon as it has
    // an answer: without the gather, each answer would carry the few that came meanwhile.
    constexpr std::size_t k_deliveries = 4000;
    std::vector<inspect::Entry> entries(k_deliveries);
    for (std::size_t i = 0; i < k_deliveries; ++i) {
        entries[i].record.message.target = "/hooks";
        entries[i].record.message.body = R"({"n":)" + std::to_string(i) + "}";
    }
    std::atomic<bool> is_adding = true;
    std::thread adder([&] { // no assertions off the main thread
        for (auto& entry : entries) {
            fixture.store.add(std::move(entry));
            std::this_thread::sleep_for(250us);
        }
        is_adding = false;
    });
    std::vector<std::uint64_t> seen;
    int answers = 0;
    auto start = std::chrono::steady_clock::now();
    while (is_adding || seen.size() < k_deliveries) {
        auto seqs = streamed_seqs(stream_from(inspector, "&after=" + std::to_string(seen.size())));
        ++answers;
        seen.insert(seen.end(), seqs.begin(), seqs.end());
    }
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    adder.join();
    std::vector<std::uint64_t> expected(k_deliveries);
    std::iota(expected.begin(), expected.end(), 1);
    CHECK(seen == expected);
    // About ten answers a second (one per 100 ms gather); without it, hundreds.
    INFO(answers << " answers in " << took.count() << " s");
    CHECK(answers <= 5 + 20 * took.count());
    inspector.stop();
    server.join();
}

TEST_CASE("the inspector binds loopback only", "[inspect]") {
    Fixture fixture;
    inspect::Inspector inspector(fixture.config, fixture.store);
    auto refused = inspector.bind("0.0.0.0", 0);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().message.find("loopback only") != std::string::npos);
}
