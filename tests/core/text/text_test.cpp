// SPDX-License-Identifier: MIT
#include "core/text/text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace hooks;

TEST_CASE("utf8_sequence_length accepts well-formed sequences only", "[text][events]") {
    CHECK(text::utf8_sequence_length("a") == 1);
    CHECK(text::utf8_sequence_length("\xc3\xa9x") == 2);        // é
    CHECK(text::utf8_sequence_length("\xe2\x80\xae") == 3);     // U+202E
    CHECK(text::utf8_sequence_length("\xf0\x9f\x98\x80") == 4); // U+1F600
    CHECK(text::utf8_sequence_length("\xf4\x8f\xbf\xbf") == 4); // U+10FFFF
    CHECK(text::utf8_sequence_length("") == 0);
    CHECK(text::utf8_sequence_length("\x80") == 0);             // stray continuation
    CHECK(text::utf8_sequence_length("\xc0\xaf") == 0);         // overlong '/'
    CHECK(text::utf8_sequence_length("\xe0\x80\xaf") == 0);     // overlong
    CHECK(text::utf8_sequence_length("\xed\xa0\x80") == 0);     // surrogate U+D800
    CHECK(text::utf8_sequence_length("\xf4\x90\x80\x80") == 0); // past U+10FFFF
    CHECK(text::utf8_sequence_length("\xe2\x82") == 0);         // truncated
    CHECK(text::utf8_sequence_length("\xe2\x28\xa1") == 0);     // bad continuation
    CHECK(text::utf8_sequence_length("\xff") == 0);
}

TEST_CASE("is_valid_utf8 checks every sequence", "[text][events]") {
    CHECK(text::is_valid_utf8(""));
    CHECK(text::is_valid_utf8("plain ascii\n"));
    CHECK(text::is_valid_utf8("caf\xc3\xa9 \xf0\x9f\x98\x80"));
    CHECK_FALSE(text::is_valid_utf8("caf\xc3"));
    CHECK_FALSE(text::is_valid_utf8("\xc3\x28"));
    CHECK_FALSE(text::is_valid_utf8(std::string("a\0\xfe", 3)));
    CHECK(text::is_valid_utf8(std::string("a\0b", 3)));
}

TEST_CASE("decode_form_component decodes plus and percent escapes", "[text][events]") {
    CHECK(text::decode_form_component("Hello+there%21") == "Hello there!");
    CHECK(text::decode_form_component("%2B1%20500") == "+1 500");
    CHECK(text::decode_form_component("%e2%80%ae") == "\xe2\x80\xae");
    CHECK(text::decode_form_component("100%") == "100%");
    CHECK(text::decode_form_component("%zz%4") == "%zz%4");
    CHECK(text::decode_form_component("%00") == std::string(1, '\0'));
}

TEST_CASE("append_json_string escapes what JSON must and refuses invalid UTF-8", "[text]") {
    std::string out = "x";
    REQUIRE(text::append_json_string(out, std::string("a\"b\\c\n\t\x01\x7f caf\xc3\xa9", 15)));
    CHECK(out == "x\"a\\\"b\\\\c\\n\\t\\u0001\x7f caf\xc3\xa9\"");
    // Long enough for the sixteen-byte path, with an escape past the first block.
    std::string long_text(40, 'a');
    long_text[33] = '"';
    out.clear();
    REQUIRE(text::append_json_string(out, long_text));
    CHECK(nlohmann::json::parse(out) == long_text);
    out = "kept";
    CHECK_FALSE(text::append_json_string(out, "ok \xc3\x28 no"));
    CHECK(out == "kept");
}

TEST_CASE("append_json_string_lossy writes U+FFFD for each byte it cannot read", "[text]") {
    std::string out;
    text::append_json_string_lossy(out, "a\xff"
                                        "b\xc3");
    CHECK(out == "\"a\xef\xbf\xbd"
                 "b\xef\xbf\xbd\"");
    CHECK(nlohmann::json::parse(out) == "a\xef\xbf\xbd"
                                        "b\xef\xbf\xbd");
    out.clear();
    text::append_json_string_lossy(out, "fine \xe2\x82\xac\r");
    CHECK(out == "\"fine \xe2\x82\xac\\r\"");
}

TEST_CASE("hex_digit_value reads both cases and rejects every other byte", "[text]") {
    const std::string_view digits = "0123456789abcdef";
    for (int byte = 0; byte < 256; ++byte) {
        const auto c = static_cast<char>(byte);
        const auto lower = static_cast<char>(std::tolower(byte));
        const std::size_t at = byte < 128 ? digits.find(lower) : std::string_view::npos;
        INFO("byte " << byte);
        CHECK(text::hex_digit_value(c) == (at == std::string_view::npos ? -1 : int(at)));
    }
}

TEST_CASE("escape_json_for_terminal escapes what a terminal acts on and nothing else", "[text]") {
    using hooks::text::escape_json_for_terminal;
    // DEL, C1 (U+0085, U+009B the CSI), bidi overrides and isolates, line separators.
    CHECK(escape_json_for_terminal("\"a\x7f"
                                   "b\"") == R"("a\u007fb")");
    CHECK(escape_json_for_terminal("\"\xc2\x85\xc2\x9b[31m\"") == R"("\u0085\u009b[31m")");
    CHECK(escape_json_for_terminal("\"\xe2\x80\xae"
                                   "evil\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\xa8\"") ==
          R"("\u202eevil\u2066\u2069\u2028")");
    // Neighbours stay as they are: U+00A0, U+00E9, U+2027, U+202F, U+2065, U+206A, emoji.
    std::string kept = "\"\xc2\xa0\xc3\xa9\xe2\x80\xa7\xe2\x80\xaf\xe2\x81\xa5\xe2\x81\xaa"
                       "\xf0\x9f\x98\x80\"";
    CHECK(escape_json_for_terminal(kept) == kept);
    // The escaped text is the same JSON value.
    std::string raw = "{\"body\":\"x\xc2\x9b\xe2\x80\xaey\x7f\"}";
    CHECK(nlohmann::json::parse(escape_json_for_terminal(raw)) == nlohmann::json::parse(raw));
}
