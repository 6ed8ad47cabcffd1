// SPDX-License-Identifier: MIT
#include "core/log/source.hpp"

#include <catch2/catch.hpp>
#include <sstream>

using namespace hooks::log;

namespace {

Record sample(std::uint64_t seq, std::string body) {
    Record record;
    record.seq = seq;
    record.received_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    record.message.target = "/hooks";
    record.message.headers = {{"Content-Type", "application/json"}};
    record.message.body = std::move(body);
    return record;
}

std::vector<Record> read_all(Source& source) {
    std::vector<Record> records;
    while (true) {
        auto next = source.next();
        INFO((next ? std::string() : next.error().message));
        REQUIRE(next.has_value());
        if (!*next) {
            return records;
        }
        records.push_back(std::move(**next));
    }
}

constexpr std::string_view k_har = R"({
  "log": {
    "version": "1.2",
    "creator": {"name": "test", "version": "1"},
    "entries": [
      {
        "startedDateTime": "2026-11-23T10:00:00.250+01:00",
        "request": {
          "method": "POST",
          "url": "https://api.example.com/webhooks/stripe?attempt=2#frag",
          "httpVersion": "HTTP/2",
          "headers": [
            {"name": ":authority", "value": "api.example.com"},
            {"name": "content-type", "value": "application/json"},
            {"name": "Stripe-Signature", "value": "t=1,v1=ab"}
          ],
          "postData": {"mimeType": "application/json", "text": "{\"id\":\"evt_1\"}\n"}
        },
        "response": {"status": 204}
      },
      {
        "startedDateTime": "2026-11-23T10:00:01Z",
        "request": {
          "method": "PUT", "url": "http://h:8080", "headers": [],
          "postData": {"mimeType": "application/octet-stream", "text": "AP8=", "encoding": "base64"}
        },
        "response": {"status": 0}
      }
    ]
  }
})";

} // namespace

TEST_CASE("source streams a JSONL log whatever its first key looks like", "[log]") {
    std::string log = to_json_line(sample(7, "{\"log\":1}")) + "\n" + to_json_line(sample(8, "x"));
    std::istringstream input(log);
    auto source = Source::open(input, "d.jsonl");
    REQUIRE(source.has_value());
    CHECK((*source)->format() == SourceFormat::jsonl);
    auto records = read_all(**source);
    REQUIRE(records.size() == 2);
    CHECK(records[0] == sample(7, "{\"log\":1}"));
    CHECK(records[1] == sample(8, "x"));
}

TEST_CASE("source reads an empty input as no records", "[log]") {
    std::istringstream input("");
    auto source = Source::open(input, "-");
    REQUIRE(source.has_value());
    CHECK(read_all(**source).empty());
}

TEST_CASE("source names the line of a corrupt middle line and skips a torn last one", "[log]") {
    std::string good = to_json_line(sample(1, "a"));
    std::istringstream corrupt(good + "{\"v\":1,\"seq\":\n" + good);
    auto source = Source::open(corrupt, "d.jsonl");
    REQUIRE(source.has_value());
    REQUIRE((*source)->next().has_value());
    auto bad = (*source)->next();
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.starts_with("d.jsonl:2: "));

    std::istringstream torn(good + good.substr(0, 30));
    auto tolerant = Source::open(torn, "t.jsonl");
    REQUIRE(tolerant.has_value());
    CHECK(read_all(**tolerant).size() == 1);
    CHECK((*tolerant)->warning() == "t.jsonl: skipped a torn last line 2 (30 bytes)");
}

TEST_CASE("source reads HAR 1.2 requests exactly", "[log]") {
    std::istringstream input{std::string(k_har)};
    auto source = Source::open(input, "capture.har");
    INFO((source ? std::string() : source.error().message));
    REQUIRE(source.has_value());
    CHECK((*source)->format() == SourceFormat::har);
    auto records = read_all(**source);
    REQUIRE(records.size() == 2);
    CHECK(records[0].seq == 1);
    CHECK(records[0].message.method == "POST");
    CHECK(records[0].message.target == "/webhooks/stripe?attempt=2");
    CHECK(records[0].message.headers ==
          std::vector<hooks::message::Header>{{"content-type", "application/json"},
                                              {"Stripe-Signature", "t=1,v1=ab"}});
    CHECK(records[0].message.body == "{\"id\":\"evt_1\"}\n");
    CHECK(format_rfc3339(records[0].received_at) == "2026-11-23T09:00:00.250Z");
    CHECK(records[0].response_status == 204);
    CHECK(records[1].message.method == "PUT");
    CHECK(records[1].message.target == "/");
    CHECK(records[1].message.body == std::string("\0\xff", 2));
    CHECK_FALSE(records[1].response_status.has_value());
}

TEST_CASE("source rejects a broken HAR file naming the entry and field", "[log]") {
    auto error_of = [](std::string text) {
        std::istringstream input(text);
        auto source = Source::open(input, "c.har");
        REQUIRE_FALSE(source.has_value());
        return source.error().message;
    };
    CHECK(error_of(R"({"log": {"entries": [{"startedDateTime": "2026-11-23T10:00:00Z",
        "request": {"method": "POST", "url": 7, "headers": []}}]}})") ==
          "c.har: HAR: entries[0].request.url: expected a string, got number");
    CHECK(error_of(R"({"log": {"entries": [{"startedDateTime": "yesterday",
        "request": {"method": "POST", "url": "/", "headers": []}}]}})")
              .starts_with("c.har: HAR: entries[0].startedDateTime: "));
    CHECK(error_of(R"({"log": {"entries": [{"startedDateTime": "2026-11-23T10:00:00Z",
        "request": {"method": "POST", "url": "/", "headers": [],
                    "postData": {"params": []}}}]}})")
              .starts_with("c.har: HAR: entries[0].request.postData.text: missing"));
    CHECK(error_of(R"({"log": {"pages": []}})") == "c.har: HAR: log.entries: missing");
    CHECK(error_of(R"({"log": {"entries": [)") == "c.har: HAR: not JSON");
}
