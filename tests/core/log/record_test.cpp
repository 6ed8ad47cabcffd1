// SPDX-License-Identifier: MIT
#include "core/log/record.hpp"
#include "support/log_lines.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

using namespace hooks::log;
using namespace std::chrono;
using hooks::message::Header;
using nlohmann::json;

namespace {

system_clock::time_point sample_time() {
    return sys_days(2026y / 11 / 23) + 13h + 20min + 5s + 123ms;
}

Record sample_record() {
    Record record;
    record.seq = 7;
    record.id = "msg_2Zk";
    record.received_at = sample_time();
    record.remote = "127.0.0.1:54321";
    record.message.method = "POST";
    record.message.target = "/hooks?source=stripe";
    record.message.headers = {{"Content-Type", "application/json"}, {"X-Dup", "first"}};
    record.message.body = R"({"type":"ping"})";
    record.verify = VerifyOutcome{"stripe", true, ""};
    record.response_status = 204;
    return record;
}

Record round_trip(const Record& record) {
    std::string line = to_json_line(record);
    REQUIRE(line.back() == '\n');
    auto parsed = parse_json_line(std::string_view(line).substr(0, line.size() - 1));
    INFO(line);
    REQUIRE(parsed.has_value());
    return *parsed;
}

json parsed_line(const Record& record) {
    return json::parse(to_json_line(record));
}

// The sample's line with one change made to its JSON, for the parse error cases.
std::string changed_line(const std::function<void(json&)>& change) {
    json object = parsed_line(sample_record());
    change(object);
    return object.dump();
}

// The same for the sample's line as version 1 wrote it (body_b64 and body_text).
std::string changed_v1_line(const std::function<void(json&)>& change) {
    json object = json::parse(hooks::testing::to_v1_json_line(sample_record()));
    change(object);
    return object.dump();
}

std::string parse_error(const std::string& line) {
    auto parsed = parse_json_line(line);
    REQUIRE_FALSE(parsed.has_value());
    CHECK(parsed.error().message.find('\n') == std::string::npos);
    return parsed.error().message;
}

} // namespace

TEST_CASE("to_json_line writes compact JSON with the fields in order", "[log]") {
    CHECK(to_json_line(sample_record()) ==
          R"({"v":2,"seq":7,"id":"msg_2Zk","received_at":"2026-11-23T13:20:05.123Z",)"
          R"("remote":"127.0.0.1:54321","method":"POST","target":"/hooks?source=stripe",)"
          R"("headers":[["Content-Type","application/json"],["X-Dup","first"]],)"
          R"("body_text":"{\"type\":\"ping\"}","body_len":15,"body_sha256":)"
          R"("cdeb977b07509618335ceaa57b4b76fe3ec9c72f50102f74dcfbab92228ec6fb",)"
          R"("verify":{"provider":"stripe","ok":true,"reason":""},"response":{"status":204}})"
          "\n");
    Record binary = sample_record();
    binary.message.body = std::string("\xff\0", 2);
    binary.verify.reset();
    CHECK(to_json_line(binary) ==
          R"({"v":2,"seq":7,"id":"msg_2Zk","received_at":"2026-11-23T13:20:05.123Z",)"
          R"("remote":"127.0.0.1:54321","method":"POST","target":"/hooks?source=stripe",)"
          R"("headers":[["Content-Type","application/json"],["X-Dup","first"]],)"
          R"("body_b64":"/wA=","body_len":2,"body_sha256":)"
          R"("ea5dbf9596d187e9500f23e9a680109475341cf4e81f7e043f7d97152c10772f",)"
          R"("response":{"status":204}})"
          "\n");
}

TEST_CASE("to_json_line writes a null id and omits absent verify and response", "[log]") {
    Record record = sample_record();
    record.id.reset();
    record.verify.reset();
    record.response_status.reset();
    json object = parsed_line(record);
    CHECK(object["id"].is_null());
    CHECK_FALSE(object.contains("verify"));
    CHECK_FALSE(object.contains("response"));
    CHECK(round_trip(record) == record);
}

TEST_CASE("a record round-trips through its line", "[log]") {
    Record record = sample_record();
    CHECK(round_trip(record) == record);
    record.verify = VerifyOutcome{"github", false, "signature does not match"};
    record.response_status = 401;
    CHECK(round_trip(record) == record);
}

TEST_CASE("the body is written once: body_text when it is UTF-8, else body_b64", "[log]") {
    for (std::string body : {std::string("a\0b", 3), std::string("\xff"), std::string("\xff\xfe"),
                             std::string("ok\x80"), std::string(1, '\0'), std::string(),
                             std::string("{\"a\":\"\xc3\xa9\"}\n")}) {
        Record record = sample_record();
        record.message.body = body;
        json object = parsed_line(record);
        INFO(object.dump());
        CHECK(object["body_len"] == body.size());
        CHECK(round_trip(record).message.body == body);
        bool is_text = body.find_first_of(std::string("\x80\xfe\xff", 3)) == std::string::npos;
        CHECK(object.contains("body_text") == is_text);
        CHECK(object.contains("body_b64") == !is_text);
        if (is_text) {
            CHECK(object["body_text"].get<std::string>() == body);
        }
    }
}

TEST_CASE("body_text follows strict UTF-8: no overlongs, surrogates or code points past "
          "U+10FFFF",
          "[log]") {
    const char* valid[] = {"plain",
                           "h\xc3\xa9llo \xe2\x82\xac",
                           "\xf0\x9d\x84\x9e",
                           "\xed\x9f\xbf",
                           "\xee\x80\x80",
                           "\xef\xbf\xbf",
                           "\xf4\x8f\xbf\xbf",
                           "\xc2\x80"};
    const char* invalid[] = {"\xc0\xaf",         "\xc1\xbf",     "\xe0\x80\xaf", "\xe0\x9f\xbf",
                             "\xf0\x80\x80\xaf", "\xed\xa0\x80", "\xed\xbf\xbf", "\xf4\x90\x80\x80",
                             "\xf5\x80\x80\x80", "\xe2\x82",     "\x80",         "\xc3",
                             "abcdefgh\xc3(",    "\xf0\x9d\x84"};
    for (const char* body : valid) {
        Record record = sample_record();
        record.message.body = body;
        INFO(body);
        CHECK(parsed_line(record)["body_text"] == body);
        CHECK_FALSE(parsed_line(record).contains("body_b64"));
    }
    for (const char* body : invalid) {
        Record record = sample_record();
        record.message.body = body;
        INFO(body);
        CHECK_FALSE(parsed_line(record).contains("body_text"));
        CHECK(parsed_line(record).contains("body_b64"));
        CHECK(round_trip(record).message.body == body);
    }
}

TEST_CASE("control characters are escaped; '/' and DEL are not", "[log]") {
    Record record = sample_record();
    record.message.body = std::string("a\x01"
                                      "b\x1f\n\t\r\b\f\"\\/\x7f\0z",
                                      15);
    std::string line = to_json_line(record);
    CHECK(line.find(R"("body_text":"a\u0001b\u001f\n\t\r\b\f\"\\/)"
                    "\x7f"
                    R"(\u0000z")") != std::string::npos);
    for (size_t i = 0; i + 1 < line.size(); ++i) {
        CHECK(static_cast<unsigned char>(line[i]) >= 0x20);
    }
    CHECK(round_trip(record) == record);
}

TEST_CASE("header values keep %0D%0A, duplicates and wire order", "[log]") {
    Record record = sample_record();
    record.message.headers = {{"X-Dup", "b"}, {"x-dup", "a"}, {"X-Enc", "a%0D%0Ab"},
                              {"X-Dup", "b"}, {"Empty", ""},  {"Tab", "a\tb"},
                              {"Ctl", "\x01"}};
    CHECK(parsed_line(record)["headers"][2] == json::array({"X-Enc", "a%0D%0Ab"}));
    CHECK(round_trip(record).message.headers == record.message.headers);
}

TEST_CASE("text that is not UTF-8 is written as base64 and read back", "[log]") {
    Record record = sample_record();
    record.message.headers = {{"X-Bin", "caf\xe9"}, {"X-\xff", "v"}};
    record.message.target = "/p\xe9";
    record.id = "\xc0\x80";
    record.remote = "\xff";
    record.verify = VerifyOutcome{"p\xff", false, "\xfe"};
    json object = parsed_line(record);
    CHECK(object["headers"][0] == json::array({"X-Bin", {{"b64", "Y2Fm6Q=="}}}));
    CHECK(object["headers"][1][0] == json{{"b64", "WC3/"}});
    CHECK(object["target"] == json{{"b64", "L3Dp"}});
    CHECK(round_trip(record) == record);
}

TEST_CASE("format_rfc3339 writes UTC with milliseconds, rounding down", "[log]") {
    CHECK(format_rfc3339(sample_time()) == "2026-11-23T13:20:05.123Z");
    CHECK(format_rfc3339(system_clock::time_point()) == "1970-01-01T00:00:00.000Z");
    CHECK(format_rfc3339(system_clock::time_point() - 1ms) == "1969-12-31T23:59:59.999Z");
    CHECK(format_rfc3339(sample_time() + 999us) == "2026-11-23T13:20:05.123Z");
    CHECK(format_rfc3339(sys_days(2024y / 2 / 29) + 23h + 59min + 59s) ==
          "2024-02-29T23:59:59.000Z");
}

TEST_CASE("parse_rfc3339 reads Z, fractions and offsets", "[log]") {
    system_clock::time_point base = sys_days(2026y / 11 / 23) + 13h + 20min;
    CHECK(parse_rfc3339("2026-11-23T13:20:00Z").value() == base);
    CHECK(parse_rfc3339("2026-11-23t13:20:00z").value() == base);
    CHECK(parse_rfc3339("2026-11-23T13:20:00.1Z").value() == base + 100ms);
    CHECK(parse_rfc3339("2026-11-23T13:20:00.123456789Z").value() == base + 123ms);
    CHECK(parse_rfc3339("2026-11-23T15:20:00+02:00").value() == base);
    CHECK(parse_rfc3339("2026-11-23T07:50:00.5-05:30").value() == base + 500ms);
    CHECK(parse_rfc3339("2026-11-23T13:19:60Z").value() == base);
    CHECK(parse_rfc3339("1969-12-31T23:59:59.999Z").value() == system_clock::time_point() - 1ms);
    CHECK(parse_rfc3339(format_rfc3339(sample_time())).value() == sample_time());
}

TEST_CASE("parse_rfc3339 rejects other shapes, impossible dates and far times", "[log]") {
    for (const char* text : {"",
                             "2026-11-23",
                             "2026-11-23T13:20:00",
                             "2026-11-23 13:20:00Z",
                             "2026-11-23T13:20Z",
                             "2026-11-23T13:20:00.Z",
                             "2026-11-23T13:20:00+0200",
                             "2026-11-23T13:20:00+02",
                             "2026-02-29T00:00:00Z",
                             "2026-13-01T00:00:00Z",
                             "2026-11-31T00:00:00Z",
                             "2026-11-23T24:00:00Z",
                             "2026-11-23T13:60:00Z",
                             "2026-11-23T13:20:61Z",
                             "2026-11-23T13:20:00+24:00",
                             "2026-11-23T13:20:00Z ",
                             "+2026-11-23T13:20:00Z",
                             "2026-1-23T13:20:00Z",
                             "9999-12-31T23:59:59Z",
                             "1600-01-01T00:00:00Z"}) {
        INFO(text);
        auto parsed = parse_rfc3339(text);
        CHECK_FALSE(parsed.has_value());
    }
}

TEST_CASE("parse_json_line ignores unknown fields and accepts optional ones absent", "[log]") {
    auto without_optional = [](json& object) {
        object["future"] = {{"nested", {1, 2, 3}}};
        object["verify"]["score"] = 0.5;
        object.erase("body_len");
        object.erase("body_sha256");
        object.erase("id");
        object.erase("remote");
        object.erase("response");
    };
    std::string v2 = changed_line(without_optional);
    std::string v1 = changed_v1_line([&without_optional](json& object) {
        without_optional(object);
        object.erase("body_text");
    });
    for (const std::string& line : {v2, v1}) {
        INFO(line);
        auto parsed = parse_json_line(line + "\r");
        REQUIRE(parsed.has_value());
        CHECK_FALSE(parsed->id.has_value());
        CHECK(parsed->remote.empty());
        CHECK_FALSE(parsed->response_status.has_value());
        CHECK(parsed->message.body == sample_record().message.body);
        CHECK(parsed->verify == VerifyOutcome{"stripe", true, ""});
    }
}

TEST_CASE("parse_json_line reads version 1 lines, body_b64 and body_text checked", "[log]") {
    for (std::string body : {std::string(R"({"type":"ping"})"), std::string("a\0b", 3),
                             std::string("\xff\xfe"), std::string()}) {
        Record record = sample_record();
        record.message.body = body;
        std::string line = hooks::testing::to_v1_json_line(record);
        INFO(line);
        CHECK(json::parse(line)["v"] == 1);
        auto parsed = parse_json_line(std::string_view(line).substr(0, line.size() - 1));
        REQUIRE(parsed.has_value());
        CHECK(*parsed == record);
    }
}

TEST_CASE("parse_json_line reads a version 2 body from body_b64 even when it is text", "[log]") {
    std::string line = changed_line([](json& o) {
        o.erase("body_text");
        o["body_b64"] = "eyJ0eXBlIjoicGluZyJ9";
    });
    auto parsed = parse_json_line(line);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == sample_record());
}

TEST_CASE("parse_json_line reads null as absent for every optional field", "[log]") {
    // A receiver that verified nothing may write verify with every member null.
    auto nulls = [](json& object) {
        object["id"] = nullptr;
        object["remote"] = nullptr;
        object["verify"] = {{"provider", nullptr}, {"ok", nullptr}, {"reason", nullptr}};
        object["response"] = nullptr;
        object["body_len"] = nullptr;
        object["body_sha256"] = nullptr;
        object["trailers"] = nullptr;
    };
    std::string v2 = changed_line([&nulls](json& object) {
        nulls(object);
        object["body_b64"] = nullptr;
    });
    std::string v1 = changed_v1_line([&nulls](json& object) {
        nulls(object);
        object["body_text"] = nullptr;
    });
    for (const std::string& line : {v2, v1}) {
        auto parsed = parse_json_line(line);
        INFO(line);
        REQUIRE(parsed.has_value());
        CHECK_FALSE(parsed->id.has_value());
        CHECK(parsed->remote.empty());
        CHECK_FALSE(parsed->verify.has_value());
        CHECK_FALSE(parsed->response_status.has_value());
        CHECK(parsed->message.body == sample_record().message.body);
        CHECK(parsed->message.headers == sample_record().message.headers);
    }
}

TEST_CASE("parse_json_line reads verify and response members one by one, null or absent", "[log]") {
    using Change = std::function<void(json&)>;
    const std::pair<Change, std::optional<VerifyOutcome>> verify_cases[] = {
        {[](json& o) { o["verify"]["provider"] = nullptr; }, VerifyOutcome{"", true, ""}},
        {[](json& o) { o["verify"].erase("provider"); }, VerifyOutcome{"", true, ""}},
        {[](json& o) { o["verify"]["reason"] = nullptr; }, VerifyOutcome{"stripe", true, ""}},
        // Without ok nothing was concluded: no outcome, whatever else verify holds.
        {[](json& o) { o["verify"]["ok"] = nullptr; }, std::nullopt},
        {[](json& o) { o["verify"].erase("ok"); }, std::nullopt},
        {[](json& o) { o["verify"] = json::object(); }, std::nullopt},
    };
    for (const auto& [change, expected] : verify_cases) {
        std::string line = changed_line(change);
        INFO(line);
        auto parsed = parse_json_line(line);
        REQUIRE(parsed.has_value());
        CHECK(parsed->verify == expected);
    }
    for (const Change& change : std::initializer_list<Change>{
             [](json& o) { o["response"]["status"] = nullptr; },
             [](json& o) { o["response"] = json::object(); },
         }) {
        std::string line = changed_line(change);
        INFO(line);
        auto parsed = parse_json_line(line);
        REQUIRE(parsed.has_value());
        CHECK_FALSE(parsed->response_status.has_value());
    }
}

TEST_CASE("trailer fields are written after the headers only when there are some", "[log]") {
    Record record = sample_record();
    CHECK(to_json_line(record).find("trailers") == std::string::npos);
    record.message.trailers = {{"X-Signature", "sha256=ab"}, {"x-b64", "caf\xe9"}};
    std::string line = to_json_line(record);
    auto headers = line.find(R"(,"headers":[)");
    auto trailers =
        line.find(R"(,"trailers":[["X-Signature","sha256=ab"],["x-b64",{"b64":"Y2Fm6Q=="}]],)");
    REQUIRE(headers != std::string::npos);
    REQUIRE(trailers != std::string::npos);
    CHECK(headers < trailers);
    CHECK(trailers < line.find(R"("body_)"));
    line.pop_back(); // the '\n'
    auto parsed = parse_json_line(line);
    REQUIRE(parsed);
    CHECK(parsed->message.trailers == record.message.trailers);
    CHECK(*parsed == record);
}

TEST_CASE("parse_json_line reads trailers as it reads headers", "[log]") {
    for (const json& trailers : {json::array(), json(nullptr)}) {
        std::string line = changed_line([&trailers](json& o) { o["trailers"] = trailers; });
        INFO(line);
        auto parsed = parse_json_line(line);
        REQUIRE(parsed.has_value());
        CHECK(*parsed == sample_record());
    }
    std::string odd = changed_line([](json& o) { o["trailers"] = "odd"; });
    CHECK(parse_json_line(odd).error().message == "trailers: expected an array of [name, value]");
    std::string short_pair =
        changed_line([](json& o) { o["trailers"] = json::array({json::array({"X-A"})}); });
    CHECK(parse_json_line(short_pair).error().message == "trailers[0]: expected [name, value]");
}

TEST_CASE("parse_json_line errors name the field at fault", "[log]") {
    using Change = std::function<void(json&)>;
    const std::pair<Change, const char*> cases[] = {
        {[](json& o) { o.erase("v"); }, "v: missing"},
        {[](json& o) { o["v"] = 3; }, "v: expected 1 or 2"},
        {[](json& o) { o["v"] = 0; }, "v: expected 1 or 2"},
        {[](json& o) { o["v"] = "2"; }, "v: expected 1 or 2"},
        {[](json& o) { o["v"] = nullptr; }, "v: expected 1 or 2"},
        {[](json& o) { o.erase("seq"); }, "seq: missing"},
        {[](json& o) { o["seq"] = -1; }, "seq: expected a non-negative integer"},
        {[](json& o) { o["seq"] = 1.5; }, "seq: expected a non-negative integer"},
        {[](json& o) { o["id"] = 5; }, "id: expected a string"},
        {[](json& o) { o.erase("received_at"); }, "received_at: missing"},
        {[](json& o) { o["received_at"] = "yesterday"; }, "received_at: expected an RFC 3339"},
        {[](json& o) { o["remote"] = true; }, "remote: expected a string"},
        {[](json& o) { o.erase("method"); }, "method: missing"},
        {[](json& o) { o["method"] = nullptr; }, "method: expected a string"},
        {[](json& o) { o.erase("target"); }, "target: missing"},
        {[](json& o) { o["target"] = json::array(); }, "target: expected a string"},
        {[](json& o) { o.erase("headers"); }, "headers: missing"},
        {[](json& o) { o["headers"] = json::object(); }, "headers: expected an array"},
        {[](json& o) { o["headers"] = nullptr; }, "headers: expected an array"},
        {[](json& o) { o["headers"].push_back({"a"}); }, "headers[2]: expected [name, value]"},
        {[](json& o) {
             o["headers"][0] = {"a", "b", "c"};
         },
         "headers[0]: expected [name, value]"},
        {[](json& o) { o["headers"][1][0] = 1; }, "headers[1][0]: expected a string"},
        {[](json& o) {
             o["headers"][1][1] = {{"b64", "!"}};
         },
         "headers[1][1]: base64"},
        {[](json& o) {
             o["headers"][1][1] = {{"hex", "00"}};
         },
         "headers[1][1]: expected a"},
        {[](json& o) { o.erase("body_text"); }, "body_text or body_b64: missing"},
        {[](json& o) { o["body_text"] = nullptr; }, "body_text or body_b64: missing"},
        {[](json& o) { o["body_text"] = 5; }, "body_text: expected a string"},
        {[](json& o) {
             o["body_text"] = {{"b64", "AA=="}};
         },
         "body_text: expected a string"},
        {[](json& o) { o["body_text"] = "other"; }, "body_len does not match the body"},
        {[](json& o) { o["body_text"] = "{'type':'ping'}"; },
         "body_sha256 does not match the body"},
        {[](json& o) { o["body_b64"] = "e==="; }, "body_b64: base64"},
        {[](json& o) { o["body_b64"] = 5; }, "body_b64: expected a string"},
        {[](json& o) { o["body_b64"] = "AA=="; }, "body_text does not match the body"},
        {[](json& o) { o["v"] = 1; }, "body_b64: missing"},
        {[](json& o) { o["body_len"] = 14; }, "body_len does not match the body"},
        {[](json& o) { o["body_len"] = "15"; }, "body_len: expected a non-negative integer"},
        {[](json& o) { o["body_len"] = -15; }, "body_len: expected a non-negative integer"},
        {[](json& o) { o["body_sha256"] = std::string(64, '0'); },
         "body_sha256 does not match the body"},
        {[](json& o) { o["body_sha256"] = "abc"; }, "body_sha256: expected 64 hex digits"},
        {[](json& o) { o["verify"] = 1; }, "verify: expected an object"},
        {[](json& o) { o["verify"]["provider"] = 5; }, "verify.provider: expected a string"},
        {[](json& o) { o["verify"]["ok"] = "yes"; }, "verify.ok: expected true, false or null"},
        {[](json& o) { o["verify"]["reason"] = 3; }, "verify.reason: expected a string"},
        {[](json& o) { o["response"] = 204; }, "response: expected an object"},
        {[](json& o) { o["response"]["status"] = "204"; }, "response.status: expected an integer"},
        {[](json& o) { o["response"]["status"] = 1e20; }, "response.status: expected an integer"},
    };
    for (const auto& [change, expected] : cases) {
        std::string line = changed_line(change);
        INFO(line);
        CHECK_THAT(parse_error(line), Catch::StartsWith(expected));
    }
    // Version 1: body_b64 is required, body_text must match it.
    const std::pair<Change, const char*> v1_cases[] = {
        {[](json& o) { o.erase("body_b64"); }, "body_b64: missing"},
        {[](json& o) { o["body_b64"] = nullptr; }, "body_b64: missing"},
        {[](json& o) { o["body_b64"] = "e==="; }, "body_b64: base64"},
        {[](json& o) { o["body_text"] = "other"; }, "body_text does not match the body"},
        {[](json& o) { o["body_text"] = 5; }, "body_text does not match the body"},
        {[](json& o) { o["body_len"] = 14; }, "body_len does not match the body"},
        {[](json& o) { o["body_sha256"] = std::string(64, '0'); },
         "body_sha256 does not match the body"},
        {[](json& o) { o.erase("method"); }, "method: missing"},
    };
    for (const auto& [change, expected] : v1_cases) {
        std::string line = changed_v1_line(change);
        INFO(line);
        CHECK_THAT(parse_error(line), Catch::StartsWith(expected));
    }
}

TEST_CASE("parse_json_line rejects what is not one JSON object", "[log]") {
    CHECK_THAT(parse_error(""), Catch::StartsWith("not valid JSON"));
    CHECK_THAT(parse_error(R"({"v":1,)"), Catch::StartsWith("not valid JSON"));
    CHECK_THAT(parse_error("{} {}"), Catch::StartsWith("not valid JSON"));
    CHECK_THAT(parse_error("[1]"), Catch::Equals("expected a JSON object"));
    CHECK_THAT(parse_error(R"({"v":1,"future":1e400})"),
               Catch::Equals("not valid JSON (a number is out of range)"));
    CHECK_THAT(parse_error("{\"v\":\"\xff\"}"), Catch::StartsWith("not valid JSON"));
    CHECK_THAT(parse_error(R"({"v":"\ud800"})"), Catch::StartsWith("not valid JSON"));
}
