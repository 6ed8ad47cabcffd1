// SPDX-License-Identifier: MIT
#include "core/text/json_scanner.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

using namespace hooks;
using text::JsonTokenKind;

namespace {

std::vector<std::string> tokens_of(std::string_view json) {
    text::JsonScanner scanner(json, 64);
    std::vector<std::string> tokens;
    while (auto token = scanner.next()) {
        tokens.emplace_back(std::string(token->is_key ? "key " : "") + std::string(token->text));
    }
    REQUIRE_FALSE(scanner.error());
    return tokens;
}

std::string error_of(std::string_view json, std::size_t max_depth = 64) {
    auto error = text::check_json(json, max_depth);
    REQUIRE(error);
    return std::string(error->reason) + " at " + std::to_string(error->offset);
}

} // namespace

TEST_CASE("the JSON scanner gives tokens exactly as written", "[text][events]") {
    CHECK(tokens_of(R"( {"a" : [1, -0.5e+3, true, null, "x\"\\y"], "b": {}} )") ==
          std::vector<std::string>{
              "{", "key \"a\"",   ":", "[", "1",         ",", "-0.5e+3", ",", "true", ",", "null",
              ",", R"("x\"\\y")", "]", ",", "key \"b\"", ":", "{",       "}", "}"});
    CHECK(tokens_of("123456789012345678901234567890") ==
          std::vector<std::string>{"123456789012345678901234567890"});
    CHECK(tokens_of(R"("\ud83d\ude00")") == std::vector<std::string>{R"("\ud83d\ude00")"});
    CHECK(tokens_of("[]") == std::vector<std::string>{"[", "]"});
}

TEST_CASE("the JSON scanner rejects what RFC 8259 does not allow", "[text][events]") {
    CHECK(error_of("") == "empty text at 0");
    CHECK(error_of("  ") == "unexpected end of text at 2");
    CHECK(error_of("{") == "unexpected end of text at 1");
    CHECK(error_of("[1,]") == "unexpected character at 3");
    CHECK(error_of("{\"a\" 1}") == "expected ':' at 5");
    CHECK(error_of("{1: 2}") == "expected a string key at 1");
    CHECK(error_of("[1 2]") == "expected ',' or ']' at 3");
    CHECK(error_of("{\"a\": 1]") == "expected ',' or '}' at 7");
    CHECK(error_of("01") == "invalid number at 0");
    CHECK(error_of("1.") == "invalid number at 0");
    CHECK(error_of("-") == "invalid number at 0");
    CHECK(error_of("1e") == "invalid number at 0");
    CHECK(error_of("tru") == "unexpected character at 0");
    CHECK(error_of("true false") == "unexpected data after the value at 5");
    CHECK(error_of("\"a\tb\"") == "control character in a string at 0");
    CHECK(error_of(R"("\x")") == "invalid escape in a string at 0");
    CHECK(error_of(R"("\u12")") == "invalid escape in a string at 0");
    CHECK(error_of(R"("\udc00")") == "lone surrogate escape in a string at 0");
    CHECK(error_of(R"("\ud800x")") == "lone surrogate escape in a string at 0");
    CHECK(error_of("\"abc") == "unterminated string at 0");
    CHECK(error_of("'a'") == "unexpected character at 0");
}

TEST_CASE("the JSON scanner stops past its depth limit without recursing", "[text][events]") {
    CHECK_FALSE(text::check_json("[[[]]]", 3));
    auto error = text::check_json("[[[[]]]]", 3);
    REQUIRE(error);
    CHECK(error->is_too_deep);
    CHECK(error->offset == 3);
    std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK_FALSE(text::check_json(deep, 100000));
    CHECK(text::check_json(deep, 64)->is_too_deep);
}

TEST_CASE("decode_json_string decodes escapes as nlohmann::json does", "[text]") {
    const std::pair<std::string, std::string> cases[] = {
        {R"("")", ""},
        {R"("plain café")", "plain café"},
        {R"("\"\\\/\b\f\n\r\t")", "\"\\/\b\f\n\r\t"},
        {R"("\u0000\u0041\u00e9\u00E9\u20ac\uffff")",
         std::string("\0A\xc3\xa9\xc3\xa9€\xef\xbf\xbf", 12)},
        {R"("\ud83d\ude00 \uDBFF\uDFFF")", "😀 \xf4\x8f\xbf\xbf"},
    };
    for (const auto& [token, expected] : cases) {
        INFO(token);
        std::string decoded = "left over";
        REQUIRE(text::decode_json_string(token, decoded));
        CHECK(decoded == expected);
        CHECK(decoded == nlohmann::json::parse(token).get<std::string>());
        CHECK(text::json_string_equals(token, expected));
        CHECK_FALSE(text::json_string_equals(token, expected + "x"));
        if (!expected.empty()) {
            CHECK_FALSE(text::json_string_equals(token, expected.substr(1)));
        }
    }
}

TEST_CASE("decode_json_string rejects what is not a valid string token", "[text]") {
    for (const char* token :
         {"", "\"", "abc", R"("abc)", R"("\x")", R"("\u12")", R"("\u12g4")", R"("\ud800")",
          R"("\ud800\u0041")", R"("\udc00")", R"("a"b")", "\"a\nb\"", R"("\")"}) {
        INFO(token);
        std::string decoded;
        CHECK_FALSE(text::decode_json_string(token, decoded));
        CHECK_FALSE(text::json_string_equals(token, decoded));
    }
}
