// SPDX-License-Identifier: MIT
#include "core/message/message.hpp"

#include <catch2/catch.hpp>

using namespace hooks::message;

TEST_CASE("header lookup ignores case and keeps duplicates in order", "[message]") {
    Message message;
    message.headers = {{"X-A", "1"}, {"x-b", "2"}, {"x-a", "3"}};
    CHECK(message.header_values("x-A") == std::vector<std::string_view>{"1", "3"});
    CHECK(message.first_header("X-B").value() == "2");
    CHECK_FALSE(message.first_header("X-C"));
}

TEST_CASE("with_trailers puts the trailer fields after the headers, copying only then",
          "[message]") {
    Message plain;
    plain.headers = {{"X-A", "1"}};
    Message storage;
    CHECK(&with_trailers(plain, storage) == &plain);

    Message trailed = plain;
    trailed.body = "b";
    trailed.trailers = {{"X-Sig", "s"}, {"X-A", "2"}};
    const Message& merged = with_trailers(trailed, storage);
    CHECK(&merged == &storage);
    CHECK(merged.headers == std::vector<Header>{{"X-A", "1"}, {"X-Sig", "s"}, {"X-A", "2"}});
    CHECK(merged.trailers.empty());
    CHECK(merged.body == "b");
    CHECK(trailed.trailers.size() == 2);
}

TEST_CASE("a -H line is split at the first colon and trimmed", "[message]") {
    auto header = parse_header_line("Stripe-Signature:  t=1,v1=ab:cd \t");
    REQUIRE(header);
    CHECK(header->name == "Stripe-Signature");
    CHECK(header->value == "t=1,v1=ab:cd");
}

TEST_CASE("header lines without a colon or with bad characters are rejected", "[message]") {
    CHECK_FALSE(parse_header_line("no colon here"));
    CHECK_FALSE(parse_header_line(": empty name"));
    CHECK_FALSE(parse_header_line("Bad Name: x"));
    CHECK_FALSE(validate_header("X-Ok", "a\r\nInjected: 1"));
    CHECK_FALSE(validate_header("X-Ok", std::string("a\0b", 3)));
    CHECK(validate_header("X-Ok", "%0D%0A stays as text"));
}

TEST_CASE("a header block takes a request line, CRLF or LF, and stops at the blank line",
          "[message]") {
    auto message =
        parse_header_block("POST /hooks?a=1 HTTP/1.1\r\nHost: example.test\r\n"
                           "webhook-id: msg_1\nX-Dup: a\r\nX-Dup: b\r\n\r\n{\"body\":1}");
    REQUIRE(message);
    CHECK(message->method == "POST");
    CHECK(message->target == "/hooks?a=1");
    REQUIRE(message->headers.size() == 4);
    CHECK(message->headers[1] == Header{"webhook-id", "msg_1"});
    CHECK(message->header_values("x-dup").size() == 2);
}

TEST_CASE("a header block is read from curl -v output: the request's lines only", "[message]") {
    auto message = parse_header_block("*   Trying 127.0.0.1:3000...\n"
                                      "* Connected to 127.0.0.1 (127.0.0.1) port 3000\n"
                                      "> POST /hooks HTTP/1.1\r\n"
                                      "> Host: 127.0.0.1:3000\r\n"
                                      "> X-Hub-Signature-256: sha256=abc\r\n"
                                      "> Content-Type: application/json\r\n"
                                      "> \r\n"
                                      "} [5 bytes data]\n"
                                      "< HTTP/1.1 200 OK\n"
                                      "< Content-Length: 2\n"
                                      "< \n"
                                      "* Connection #0 to host 127.0.0.1 left intact\n");
    REQUIRE(message);
    CHECK(message->method == "POST");
    CHECK(message->target == "/hooks");
    CHECK(message->headers == std::vector<Header>{{"Host", "127.0.0.1:3000"},
                                                  {"X-Hub-Signature-256", "sha256=abc"},
                                                  {"Content-Type", "application/json"}});
}

TEST_CASE("a header block from a browser's HTTP/2 copy skips the pseudo-headers", "[message]") {
    auto message = parse_header_block(":authority: example.test\n:method: POST\n:path: /hooks\n"
                                      ":scheme: https\naccept: */*\nstripe-signature: t=1,v1=ab\n");
    REQUIRE(message);
    CHECK(message->headers ==
          std::vector<Header>{{"accept", "*/*"}, {"stripe-signature", "t=1,v1=ab"}});
}

TEST_CASE("a header block with a folded or malformed line fails naming the line", "[message]") {
    auto folded = parse_header_block("A: 1\r\n  continued\r\n");
    REQUIRE_FALSE(folded);
    CHECK(folded.error().message.find("line 2") != std::string::npos);
    auto malformed = parse_header_block("A: 1\nnot a header\n");
    REQUIRE_FALSE(malformed);
    CHECK(malformed.error().message.find("line 2") != std::string::npos);
}
