// SPDX-License-Identifier: MIT
#include "cli/body_view.hpp"

#include <catch2/catch.hpp>

using hooks::cli::BodyViewOptions;
using hooks::cli::render_body;
using hooks::cli::terminal_safe;

namespace {

std::string render(std::string_view body, std::string_view content_type = "application/json",
                   BodyViewOptions options = {}) {
    return render_body(body, content_type, options);
}

} // namespace

TEST_CASE("body view re-indents JSON keeping every token as received", "[cli]") {
    CHECK(render(R"({"a":1,"b":[true,null,{}],"c":{"d":"x\"y\\z"},"e":[],"f":"é\u00e9"})") ==
          "{\n"
          "  \"a\": 1,\n"
          "  \"b\": [\n"
          "    true,\n"
          "    null,\n"
          "    {}\n"
          "  ],\n"
          "  \"c\": {\n"
          "    \"d\": \"x\\\"y\\\\z\"\n"
          "  },\n"
          "  \"e\": [],\n"
          "  \"f\": \"é\\u00e9\"\n"
          "}\n");
    CHECK(render("{}") == "{}\n");
    CHECK(render(" [ ] ") == "[]\n");
    CHECK(render("42", "text/plain") == "42\n");
    CHECK(render("{\r\n\t\"a\" :\r\n [ 1 ]\r\n}\r\n") == "{\n  \"a\": [\n    1\n  ]\n}\n");
}

TEST_CASE("body view keeps huge numbers exactly as written", "[cli]") {
    CHECK(render("[123456789012345678901234567890, 1e400, -0.10, 1E-400]") ==
          "[\n  123456789012345678901234567890,\n  1e400,\n  -0.10,\n  1E-400\n]\n");
}

TEST_CASE("body view shows JSON whatever the content type says", "[cli]") {
    CHECK(render(R"({"a":1})", "text/plain") == "{\n  \"a\": 1\n}\n");
    CHECK(render(R"({"a":1})", "") == "{\n  \"a\": 1\n}\n");
    CHECK(render(R"({"a":1})", "application/x-www-form-urlencoded") == "{\n  \"a\": 1\n}\n");
}

TEST_CASE("body view never lets control sequences reach the terminal", "[cli]") {
    // JSON cannot hold a raw ESC in a string; its \u001b escape is harmless text.
    std::string json = render(R"({"m":"\u001b[31mred\u001b[0m"})");
    CHECK(json == "{\n  \"m\": \"\\u001b[31mred\\u001b[0m\"\n}\n");
    CHECK(render("hello \x1b[2J\x1b]0;title\x07 world\r\nnext\n", "text/plain") ==
          "hello \\x1b[2J\\x1b]0;title\\x07 world\\r\nnext\n");
    CHECK(render("a\x7f\x01\x1f\tb", "text/plain") == "a\\x7f\\x01\\x1f\tb\n");
    // C1 controls (CSI U+009B, NEL U+0085) and bidirectional controls, raw or inside JSON.
    CHECK(render("a\xc2\x9b"
                 "2Jb\xc2\x85",
                 "text/plain") == "a\\u009b2Jb\\u0085\n");
    CHECK(render("x\xe2\x80\xaey\xe2\x81\xa6z\xe2\x81\xa9", "text/plain") ==
          "x\\u202ey\\u2066z\\u2069\n");
    CHECK(render("{\"n\":\"evil\xe2\x80\xae\x7f\"}") == "{\n  \"n\": \"evil\\u202e\\x7f\"\n}\n");
    CHECK(render("caf\xc3\xa9 \xf0\x9f\x98\x80", "text/plain") == "caf\xc3\xa9 \xf0\x9f\x98\x80\n");
}

TEST_CASE("body view shows invalid UTF-8 and NUL bytes as a hex dump", "[cli]") {
    const std::string bytes("\xff\xfe\x00\x01"
                            "abc",
                            7);
    CHECK(render(bytes, "text/plain") ==
          "(binary, 7 bytes)\n"
          "00000000  ff fe 00 01 61 62 63                              |....abc|\n");
    CHECK(render(std::string("{\"a\":\"\0\"}", 9)).rfind("(binary, 9 bytes)\n", 0) == 0);
    std::string big(300, '\x80');
    std::string view = render(big, "application/octet-stream");
    CHECK(view.rfind("(binary, 300 bytes)\n00000000  80 80", 0) == 0);
    CHECK_THAT(view, Catch::Contains("000000f0  80") &&
                         Catch::EndsWith("… 44 more bytes (--json or --log shows it all)\n"));
    CHECK_THAT(view, !Catch::Contains("00000100"));
}

TEST_CASE("body view shows deeply nested JSON as received without recursing", "[cli]") {
    std::string deep = std::string(10000, '[') + std::string(10000, ']');
    std::string view = render(deep);
    CHECK(view == std::string(1024, '[') +
                      "\n… JSON nested deeper than 64 levels, not re-indented: first 1024 of "
                      "20000 bytes shown (--json or --log shows it all)\n");
    BodyViewOptions shallow;
    shallow.max_depth = 2;
    CHECK(render("[[1]]", "", shallow) == "[\n  [\n    1\n  ]\n]\n");
    CHECK(render("[[[1]]]", "", shallow) ==
          "[[[1]]]\n… JSON nested deeper than 2 levels, not re-indented\n");
}

TEST_CASE("body view cuts bodies past max_bytes on a character boundary", "[cli]") {
    BodyViewOptions small;
    small.max_bytes = 10;
    CHECK(render("abcdefghijklmnop", "text/plain", small) ==
          "abcdefghij\n… first 10 of 16 bytes shown (--json or --log shows it all)\n");
    small.max_bytes = 5;
    CHECK(render("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", "text/plain", small) ==
          "\xc3\xa9\xc3\xa9\n… first 4 of 10 bytes shown (--json or --log shows it all)\n");
    CHECK(render(R"({"a": 1, "b": 2})", "", small) ==
          "{\"a\":\n… first 5 of 16 bytes shown (--json or --log shows it all)\n");
}

TEST_CASE("body view cuts long output after max_lines", "[cli]") {
    BodyViewOptions options;
    options.max_lines = 3;
    CHECK(render("[1,2,3,4,5]", "", options) ==
          "[\n  1,\n  2,\n… 4 more lines (--json or --log shows it all)\n");
    CHECK(render("a\nb\nc\n", "text/plain", options) == "a\nb\nc\n");
    CHECK(render("a\nb\nc\nd", "text/plain", options) ==
          "a\nb\nc\n… 1 more line (--json or --log shows it all)\n");
}

TEST_CASE("body view decodes form bodies only when the content type says form", "[cli]") {
    const std::string form = "To=%2B15005550006&Body=Hello+there%0A%1B%5B2J&&Empty=&flag";
    CHECK(render(form, "application/x-www-form-urlencoded; charset=UTF-8") ==
          "To = +15005550006\n"
          "Body = Hello there\\n\\x1b[2J\n"
          "Empty = \n"
          "flag\n");
    CHECK(render(form, "Application/X-WWW-Form-Urlencoded") ==
          render(form, "application/x-www-form-urlencoded"));
    CHECK(render(form, "text/plain") == form + "\n");
    CHECK(render("k=%E2%80%AE%FF", "application/x-www-form-urlencoded") == "k = \\u202e\\xff\n");
}

TEST_CASE("body view colours JSON only when asked", "[cli]") {
    BodyViewOptions color;
    color.color = true;
    std::string painted = render(R"({"a":[1,true,"s"]})", "", color);
    CHECK_THAT(painted,
               Catch::Contains("\x1b[1;34m\"a\"\x1b[0m") && Catch::Contains("\x1b[33m1\x1b[0m") &&
                   Catch::Contains("\x1b[35mtrue\x1b[0m") &&
                   Catch::Contains("\x1b[32m\"s\"\x1b[0m") && Catch::Contains("\x1b[2m{\x1b[0m"));
    std::string plain = render(R"({"a":[1,true,"s"]})");
    CHECK(plain.find('\x1b') == std::string::npos);
    CHECK(render("x=1", "application/x-www-form-urlencoded", color) == "\x1b[1;34mx\x1b[0m = 1\n");
}

TEST_CASE("body view names an empty body", "[cli]") {
    CHECK(render("", "application/json") == "(empty body)\n");
}

TEST_CASE("terminal_safe keeps one line and escapes controls", "[cli]") {
    CHECK(terminal_safe("a\nb\tc\r\x1b[0m\xe2\x80\xae\xc2\x9b\xff") ==
          "a\\nb\tc\\r\\x1b[0m\\u202e\\u009b\\xff");
    CHECK(terminal_safe("plain é") == "plain é");
    CHECK(terminal_safe(std::string("\0", 1)) == "\\x00");
}
