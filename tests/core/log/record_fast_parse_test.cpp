// SPDX-License-Identifier: MIT
#include "core/crypto/encoding.hpp"
#include "core/log/record_parse.hpp"
#include "support/log_lines.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

using namespace hooks::log;
using namespace hooks::log::detail;
using nlohmann::json;

namespace {

Record sample_record() {
    using namespace std::chrono;
    Record record;
    record.seq = 7;
    record.id = "msg_2Zk";
    record.received_at = sys_days(2026y / 11 / 23) + 13h + 20min + 5s + 123ms;
    record.remote = "127.0.0.1:54321";
    record.message.target = "/hooks?source=stripe";
    record.message.headers = {{"Content-Type", "application/json"}, {"X-Dup", "a%0D%0Ab"}};
    record.message.body = R"({"type":"ping","note":"café"})";
    record.verify = VerifyOutcome{"stripe", true, "valid"};
    record.response_status = 204;
    return record;
}

std::string without_newline(std::string line) {
    line.pop_back();
    return line;
}

// The sample as the writer writes it (version 2), and as version 1 wrote it.
std::string sample_line() {
    return without_newline(to_json_line(sample_record()));
}

std::string sample_v1_line() {
    return without_newline(hooks::testing::to_v1_json_line(sample_record()));
}

// The sample's line with `body`, in version 1 (body_b64, then body_text after body_sha256) or
// version 2 (body_text only, before body_len), its body_text written as `text` (JSON string
// contents, as written): body_len and body_sha256 are those of `body`.
std::string line_with_text(int version, const std::string& body, const std::string& text) {
    Record record = sample_record();
    record.message.body = body;
    std::string quoted = R"(,"body_text":")" + text + "\"";
    if (version == 1) {
        std::string line = without_newline(hooks::testing::to_v1_json_line(record));
        auto sha_end = line.find(R"(,"body_sha256":")") + 16 + 65;
        return line.substr(0, sha_end) + quoted + line.substr(line.find(R"(,"verify")"));
    }
    std::string line = without_newline(to_json_line(record));
    return line.substr(0, line.find(R"(,"body_)")) + quoted +
           line.substr(line.find(R"(,"body_len")"));
}

// Both paths on `line`: the fast one, when it reads the line, agrees with the general one, and
// parse_json_line answers as the general one does. Returns whether the fast path read it.
bool check_paths_agree(const std::string& line) {
    INFO(line);
    auto slow = parse_json_line_slow(line);
    auto fast = parse_json_line_fast(line);
    if (fast) {
        REQUIRE(slow.has_value());
        CHECK(*fast == *slow);
    }
    auto parsed = parse_json_line(line);
    REQUIRE(parsed.has_value() == slow.has_value());
    if (parsed) {
        CHECK(*parsed == *slow);
    } else {
        CHECK(parsed.error().message == slow.error().message);
    }
    return fast.has_value();
}

std::string error_of(const std::string& line) {
    auto parsed = parse_json_line(line);
    REQUIRE_FALSE(parsed.has_value());
    return parsed.error().message;
}

} // namespace

TEST_CASE("the fast path reads the lines the writer writes, as the general parser does", "[log]") {
    Record record = sample_record();
    CHECK(check_paths_agree(sample_line()));
    CHECK(check_paths_agree(sample_v1_line()));
    record.message.body = std::string("\x00\xff\xfe binary", 10);
    record.id.reset();
    record.verify.reset();
    record.response_status.reset();
    record.remote.clear();
    auto check_both_versions = [&record] {
        INFO(record.message.body);
        CHECK(check_paths_agree(without_newline(to_json_line(record))));
        CHECK(check_paths_agree(without_newline(hooks::testing::to_v1_json_line(record))));
        CHECK(parse_json_line(to_json_line(record))->message.body == record.message.body);
    };
    check_both_versions();
    record.message.body = "\"quoted\" \\ / \t\r\n\b\f\x01\x1f\x7f";
    record.message.headers.clear();
    check_both_versions();
    record.message.body = std::string("a\0b\0", 4);
    check_both_versions();
    record.message.body.clear();
    check_both_versions();
}

TEST_CASE("the fast path decodes every escape in body_text, surrogate pairs included", "[log]") {
    const std::string body = "\"\\/\b\f\n\r\t\x01 é€😀 end";
    const char* texts[] = {
        R"(\"\\\/\b\f\n\r\t\u0001 \u00e9\u20ac\ud83d\ude00 end)",
        R"(\u0022\u005C/\u0008\u000C\u000a\u000D\u0009\u0001\u0020\u00E9\u20AC\uD83D\uDE00 end)",
        "\\\"\\\\/\\b\\f\\n\\r\\t\\u0001 é€😀 end",
    };
    for (int version : {1, 2}) {
        for (const char* text : texts) {
            std::string line = line_with_text(version, body, text);
            CHECK(check_paths_agree(line));
            CHECK(parse_json_line(line)->message.body == body);
        }
        // \u0000 is a NUL byte in the body.
        std::string nul = line_with_text(version, std::string("a\0b", 3), R"(a\u0000b)");
        CHECK(check_paths_agree(nul));
        CHECK(parse_json_line(nul)->message.body == std::string("a\0b", 3));
    }
}

TEST_CASE("a body_text that does not match the body is left to the general parser", "[log]") {
    const std::string body = "café 😀";
    for (int version : {1, 2}) {
        for (const char* text : {"cafe 😀", "café 😀 ", "café", R"(caf\u00e9 \ud83d\ude01)",
                                 R"(café \ud83d)", R"(caf\u00e)", "\\u00e9", ""}) {
            std::string line = line_with_text(version, body, text);
            CHECK_FALSE(check_paths_agree(line));
        }
        // The same bytes as the body, but not UTF-8: nlohmann rejects the line.
        std::string latin1 = "caf\xe9";
        CHECK_FALSE(check_paths_agree(line_with_text(version, latin1, latin1)));
        CHECK_THAT(error_of(line_with_text(version, latin1, latin1)),
                   Catch::StartsWith("not valid JSON"));
    }
    // Version 1 compares body_text with body_b64; version 2 has only body_len and body_sha256
    // to check it against.
    CHECK(error_of(line_with_text(1, body, "cafe 😀")) == "body_text does not match the body");
    CHECK(error_of(line_with_text(2, body, "cafè 😀")) == "body_sha256 does not match the body");
    CHECK_THAT(error_of(line_with_text(2, body, "café")),
               Catch::StartsWith("body_len does not match the body"));
}

TEST_CASE("the fast path reads lines spaced out, reordered or with fields absent", "[log]") {
    for (const std::string& line : {sample_line(), sample_v1_line()}) {
        json object = json::parse(line);
        CHECK(check_paths_agree(object.dump(2)));
        CHECK(check_paths_agree(" \t" + object.dump(1, '\t') + "\r\n "));
        if (object["v"] == 1) {
            object.erase("body_text");
        }
        object.erase("body_len");
        object.erase("body_sha256");
        object["id"] = nullptr;
        object["remote"] = nullptr;
        object["verify"] = nullptr;
        object["response"] = nullptr;
        // nlohmann::json dumps keys sorted: not the writer's order.
        CHECK(check_paths_agree(object.dump()));
        object["future"] = {{"nested", {{"deeper", {1, "two", nullptr, true}}}}};
        object["verify"] = {{"ok", false}, {"provider", "github"}, {"extra", {1, 2}}};
        object["response"] = {{"status", 0}, {"later", "x"}};
        CHECK(check_paths_agree(object.dump()));
    }
}

TEST_CASE("the fast path reads a version 2 body given as body_b64 or as both", "[log]") {
    json object = json::parse(sample_line());
    const std::string body = sample_record().message.body;
    object["body_b64"] = hooks::crypto::base64_encode(body);
    CHECK(check_paths_agree(object.dump()));
    object["body_text"] = nullptr;
    CHECK(check_paths_agree(object.dump()));
    object.erase("body_text");
    CHECK(check_paths_agree(object.dump()));
    CHECK(parse_json_line(object.dump())->message.body == body);
    object["body_text"] = "other";
    CHECK_FALSE(check_paths_agree(object.dump()));
    CHECK(error_of(object.dump()) == "body_text does not match the body");
}

TEST_CASE("the fast path reads null optional fields as the general parser does", "[log]") {
    json object = json::parse(sample_v1_line());
    object["id"] = nullptr;
    object["remote"] = nullptr;
    object["verify"] = {{"provider", nullptr}, {"ok", nullptr}, {"reason", nullptr}};
    object["response"] = {{"status", nullptr}};
    object["body_len"] = nullptr;
    object["body_sha256"] = nullptr;
    object["body_text"] = nullptr;
    object["trailers"] = nullptr;
    CHECK(check_paths_agree(object.dump()));
    CHECK_FALSE(parse_json_line(object.dump())->verify.has_value());
    object["verify"] = {{"provider", nullptr}, {"ok", false}, {"reason", nullptr}};
    object["trailers"] = json::array({json::array({"X-Checksum", "abc"})});
    CHECK(check_paths_agree(object.dump()));
    CHECK(parse_json_line(object.dump())->message.trailers ==
          std::vector<hooks::message::Header>{{"X-Checksum", "abc"}});
    CHECK(parse_json_line(object.dump())->verify == VerifyOutcome{"", false, ""});
    object["verify"] = {{"provider", "github"}, {"reason", "no secret"}};
    object["response"] = json::object();
    CHECK(check_paths_agree(object.dump()));
    // Null where the record needs a value: both reject it.
    for (const char* field : {"method", "target", "headers", "body_b64", "seq", "received_at"}) {
        json changed = object;
        changed[field] = nullptr;
        CHECK_FALSE(check_paths_agree(changed.dump()));
    }
    // Version 2: body_b64 null beside body_text, or body_text null beside body_b64.
    json v2 = json::parse(sample_line());
    v2["body_b64"] = nullptr;
    v2["body_len"] = nullptr;
    CHECK(check_paths_agree(v2.dump()));
    v2["body_b64"] = v2["body_text"];
    v2["body_text"] = nullptr;
    CHECK_FALSE(check_paths_agree(v2.dump())); // body_b64 is not base64 of the body
    v2["body_b64"] = hooks::crypto::base64_encode(sample_record().message.body);
    CHECK(check_paths_agree(v2.dump()));
    v2["body_b64"] = nullptr;
    CHECK_FALSE(check_paths_agree(v2.dump()));
    CHECK(error_of(v2.dump()) == "body_text or body_b64: missing");
}

TEST_CASE("lines the fast path cannot read exactly are left to the general parser", "[log]") {
    const std::string line = sample_v1_line();
    auto replaced = [&line](const std::string& from, const std::string& to) {
        std::string changed = line;
        changed.replace(changed.find(from), from.size(), to);
        return changed;
    };
    // body_b64 with "\/", which nlohmann reads as "/" ("???" is "Pz8/").
    std::string slashed = line_with_text(1, "???", "???");
    slashed.replace(slashed.find("Pz8/"), 4, R"(Pz8\/)");
    const std::string seq_twice = replaced(R"("seq":7)", R"("seq":7,"seq":8)");
    const std::string text_twice = replaced(R"(,"verify")", R"(,"body_text":"other","verify")");
    const std::string seq_max = replaced(R"("seq":7)", R"("seq":18446744073709551615)");
    const std::string status_negative = replaced(R"("status":204)", R"("status":-1)");
    const std::string out_of_range = replaced(R"("v":1)", R"("v":1,"future":1e400)");
    const std::string with_bom = "\xef\xbb\xbf" + line;
    const std::string declined[] = {
        slashed,
        seq_twice,
        text_twice,
        seq_max,
        status_negative,
        out_of_range,
        with_bom,
        // An escaped key: nlohmann compares keys decoded.
        replaced(R"("body_text")", R"("body\u005ftext")"),
        replaced(R"("seq")", R"("s\u0065q")"),
        // Duplicates of fields the record reads: nlohmann keeps the last.
        replaced(R"("body_text")", R"("body_text":"other","body_text")"),
        replaced(R"("ok":true)", R"("ok":true,"ok":false)"),
        replaced(R"("status":204)", R"("status":204,"status":500)"),
        // Numbers other than plain integers of up to 19 digits.
        replaced(R"("seq":7)", R"("seq":-0)"),
        replaced(R"("seq":7)", R"("seq":18446744073709551616)"),
        replaced(R"("status":204)", R"("status":2.04e2)"),
        replaced(R"("v":1)", R"("v":1,"future":123456789012345678901234567890)"),
        // Text as {"b64": ...}.
        replaced(R"("remote":"127.0.0.1:54321")", R"("remote":{"b64":"AA=="})"),
    };
    for (const auto& changed : declined) {
        CHECK_FALSE(check_paths_agree(changed));
    }
    CHECK(parse_json_line(slashed)->message.body == "???");
    CHECK(parse_json_line(seq_twice)->seq == 8);
    CHECK(error_of(text_twice) == "body_text does not match the body");
    CHECK(parse_json_line(seq_max)->seq == 18446744073709551615U);
    CHECK(parse_json_line(status_negative)->response_status == -1);
    CHECK(error_of(out_of_range) == "not valid JSON (a number is out of range)");
    CHECK(parse_json_line(with_bom).has_value());
}

TEST_CASE("version 2 lines the fast path cannot read exactly are left to the general parser",
          "[log]") {
    const std::string line = sample_line();
    auto replaced = [&line](const std::string& from, const std::string& to) {
        std::string changed = line;
        changed.replace(changed.find(from), from.size(), to);
        return changed;
    };
    const std::string escaped_key = replaced(R"("body_text")", R"("body\u005ftext")");
    const std::string text_twice = replaced(R"("body_text")", R"("body_text":"other","body_text")");
    const std::string b64_slashed =
        replaced(R"("body_text")", R"("body_b64":"eyJ0eXBlIjoicGluZyJ9\/","body_text")");
    const std::string declined[] = {
        escaped_key,
        text_twice,
        b64_slashed,
        replaced(R"("v":2)", R"("v":2,"future":1.5)"),
        replaced(R"("body_text")", R"("body_text":{"b64":"AA=="},"unused")"),
        replaced(R"("v":2)", R"("v":3)"),
        replaced(R"("v":2)", R"("v":1)"),
    };
    for (const auto& changed : declined) {
        CHECK_FALSE(check_paths_agree(changed));
    }
    CHECK(parse_json_line(escaped_key)->message.body == sample_record().message.body);
    CHECK(parse_json_line(text_twice)->message.body == sample_record().message.body);
    CHECK_THAT(error_of(b64_slashed), Catch::StartsWith("body_b64: base64"));
    CHECK_THAT(error_of(replaced(R"("v":2)", R"("v":3)")), Catch::StartsWith("v: expected 1 or 2"));
    CHECK(error_of(replaced(R"("v":2)", R"("v":1)")) == "body_b64: missing");
}

TEST_CASE("the fast path declines every line the general parser rejects", "[log]") {
    for (const std::string& line : {sample_line(), sample_v1_line()}) {
        for (const std::string& changed :
             {std::string(), line.substr(0, line.size() - 1), line + "x", line + "{}",
              "[" + line + "]", std::string(R"({"v":1})"), std::string(R"({"v":2})"),
              line.substr(0, 10) + "\x01" + line.substr(10),
              line.substr(0, 20) + "\xc3" + line.substr(20)}) {
            INFO(changed);
            CHECK_FALSE(parse_json_line_fast(changed).has_value());
            CHECK_FALSE(check_paths_agree(changed));
        }
    }
}
