// SPDX-License-Identifier: MIT
#include "core/log/reader.hpp"
#include "support/log_lines.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <vector>

using namespace hooks::log;
using hooks::message::Header;

namespace {

Record record_with_seq(std::uint64_t seq) {
    Record record;
    record.seq = seq;
    record.received_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    record.message.body = "body " + std::to_string(seq);
    return record;
}

std::string line(std::uint64_t seq) {
    return to_json_line(record_with_seq(seq));
}

std::uint64_t next_seq(Reader& reader) {
    auto next = reader.next();
    INFO((next ? std::string() : next.error().message));
    REQUIRE(next.has_value());
    REQUIRE(next->has_value());
    return (*next)->seq;
}

bool is_at_end(Reader& reader) {
    auto next = reader.next();
    return next.has_value() && !next->has_value();
}

// Hands out `count` copies of one line, one line per refill, counting the refills: a reader
// that streams pulls only as many lines as it returned records.
class LineSource : public std::streambuf {
  public:
    LineSource(std::string line, int count) : m_line(std::move(line)), m_left(count) {}
    int refills = 0;

  protected:
    int_type underflow() override {
        if (m_left == 0) {
            return traits_type::eof();
        }
        --m_left;
        ++refills;
        setg(m_line.data(), m_line.data(), m_line.data() + m_line.size());
        return traits_type::to_int_type(m_line[0]);
    }

  private:
    std::string m_line;
    int m_left;
};

// A source whose storage fails.
class BrokenSource : public std::streambuf {
  protected:
    int_type underflow() override { throw std::runtime_error("I/O error"); }
};

} // namespace

TEST_CASE("reader returns records in order and skips blank lines", "[log]") {
    std::istringstream input(line(1) + "\n" + line(2) + "  \r\n\t\n" + line(3));
    Reader reader(input, "log.jsonl");
    CHECK(reader.line_number() == 0);
    CHECK(next_seq(reader) == 1);
    CHECK(reader.line_number() == 1);
    CHECK(next_seq(reader) == 2);
    CHECK(next_seq(reader) == 3);
    CHECK(reader.line_number() == 6);
    CHECK(is_at_end(reader));
    CHECK(is_at_end(reader));
    CHECK(reader.warning().empty());
}

TEST_CASE("reader reads an empty log as no records", "[log]") {
    std::istringstream input("");
    Reader reader(input, "log.jsonl");
    CHECK(is_at_end(reader));
    CHECK(reader.warning().empty());
}

TEST_CASE("reader returns a last line without a newline when it parses", "[log]") {
    std::string last = line(2);
    last.pop_back();
    std::istringstream input(line(1) + last);
    Reader reader(input, "log.jsonl");
    CHECK(next_seq(reader) == 1);
    CHECK(next_seq(reader) == 2);
    CHECK(is_at_end(reader));
    CHECK(reader.warning().empty());
}

TEST_CASE("reader skips a torn last line with a warning", "[log]") {
    std::string torn = line(3).substr(0, 40);
    std::istringstream input(line(1) + line(2) + torn);
    Reader reader(input, "log.jsonl");
    CHECK(next_seq(reader) == 1);
    CHECK(next_seq(reader) == 2);
    CHECK(is_at_end(reader));
    CHECK(reader.warning() == "log.jsonl: skipped a torn last line 3 (40 bytes)");
}

TEST_CASE("reader rejects a corrupt middle line naming its line number", "[log]") {
    std::string corrupt = line(2);
    corrupt.replace(corrupt.find("\"body_text\""), 11, "\"body_txet\"");
    std::istringstream input(line(1) + "\n" + corrupt + line(3));
    Reader reader(input, "log.jsonl");
    CHECK(next_seq(reader) == 1);
    auto next = reader.next();
    REQUIRE_FALSE(next.has_value());
    CHECK(next.error().message == "log.jsonl:3: body_text or body_b64: missing");
    CHECK(next.error().kind == hooks::ErrorKind::input);
}

TEST_CASE("reader names the line and the field of a record that lacks what replay needs", "[log]") {
    for (const char* field : {"method", "target", "headers", "body_text"}) {
        std::string lacking = line(2);
        std::string key = std::string("\"") + field + "\":";
        auto start = lacking.find(key);
        REQUIRE(start != std::string::npos);
        // The writer puts each of these between two other fields.
        auto end = lacking.find(",\"", start + key.size());
        if (std::string_view(field) == "headers") {
            end = lacking.find("],\"", start) + 1;
        }
        lacking.erase(start, end - start + 1);
        std::istringstream input(line(1) + lacking + line(3));
        Reader reader(input, "log.jsonl");
        CHECK(next_seq(reader) == 1);
        auto next = reader.next();
        INFO(lacking);
        REQUIRE_FALSE(next.has_value());
        std::string named =
            std::string_view(field) == "body_text" ? "body_text or body_b64" : field;
        CHECK(next.error().message == "log.jsonl:2: " + named + ": missing");
    }
}

TEST_CASE("reader rejects a complete last line that does not parse", "[log]") {
    std::istringstream input(line(1) + "{\"v\":1,\n");
    Reader reader(input, "-");
    CHECK(next_seq(reader) == 1);
    auto next = reader.next();
    REQUIRE_FALSE(next.has_value());
    CHECK_THAT(next.error().message, Catch::StartsWith("-:2: not valid JSON"));
}

TEST_CASE("reader streams: it pulls one line per record", "[log]") {
    LineSource source(line(1), 1000);
    std::istream input(&source);
    Reader reader(input, "log.jsonl");
    CHECK(next_seq(reader) == 1);
    CHECK(source.refills <= 2);
    int count = 1;
    while (!is_at_end(reader)) {
        ++count;
    }
    CHECK(count == 1000);
    CHECK(reader.line_number() == 1000);
}

TEST_CASE("reader reports a read error", "[log]") {
    BrokenSource source;
    std::istream input(&source);
    Reader reader(input, "log.jsonl");
    auto next = reader.next();
    REQUIRE_FALSE(next.has_value());
    CHECK(next.error().message == "log.jsonl: cannot read the log");
}

TEST_CASE("reader reads the v1 log that hooks 0.1.0 wrote, byte for byte", "[log]") {
    // tests/data/log/README.md says how the fixture was made.
    std::ifstream file(HOOKS_TEST_DATA_DIR "/log/v1.jsonl", std::ios::binary);
    REQUIRE(file.is_open());
    std::string log((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    std::istringstream input(log);
    Reader reader(input, "v1.jsonl");
    std::vector<Record> records;
    for (auto next = reader.next(); next && *next; next = reader.next()) {
        records.push_back(std::move(**next));
    }
    CHECK(reader.warning().empty());
    REQUIRE(records.size() == 7);
    // The tests' stand-in for the version 1 writer writes exactly what it wrote.
    std::string rewritten;
    for (const Record& record : records) {
        rewritten += hooks::testing::to_v1_json_line(record);
    }
    CHECK(rewritten == log);
    const std::string bodies[] = {
        "{\"type\":\"invoice.paid\",\"note\":\"caf\xc3\xa9 \xe2\x98\x95 \xf0\x9f\x98\x80\","
        "\"quote\":\"\\\"a\\\\b\\\"\\n\",\"tab\":\"\t\"}",
        R"({"type":"invoice.paid","amount":4200})",
        std::string("\xff\xfe\x00\x01 not \xc3( UTF-8 \x80", 19),
        std::string("a\0b\0\0end\x1f\x7f", 10),
        "",
        "plain caf\xc3\xa9",
        "a=1&b=%E2%82%AC&c=\xe9",
    };
    for (std::size_t i = 0; i < records.size(); ++i) {
        INFO("record " << i + 1);
        CHECK(records[i].seq == i + 1);
        CHECK(records[i].message.body == bodies[i]);
    }
    CHECK(records[0].id == "msg_utf8");
    CHECK(records[0].message.target == "/webhooks/standard?attempt=1");
    CHECK(records[0].message.headers[4] ==
          Header{"webhook-signature", "v1,FUo+UYmXN/ArV0D9WyNcuhPcGGL37cT3iKJUlVAYrO0="});
    CHECK(records[0].verify ==
          VerifyOutcome{"standard", true, "signature in webhook-signature matches --secret #1"});
    CHECK(records[1].verify->ok == false);
    CHECK(format_rfc3339(records[1].received_at) == "2026-12-05T09:13:17.485Z");
    CHECK_FALSE(records[2].id.has_value());
    CHECK_FALSE(records[2].verify.has_value());
    CHECK(records[2].remote == "127.0.0.1:39698");
    CHECK(records[2].response_status == 200);
    CHECK(records[5].message.method == "PUT");
    CHECK(records[5].message.target == "/latin1?q=%0D%0A");
    CHECK(records[5].message.headers == std::vector<Header>{{"Host", "h"},
                                                            {"X-Latin1", "caf\xe9"},
                                                            {"x-dup", "1"},
                                                            {"X-DUP", "2"},
                                                            {"X-Enc", "a%0D%0Ab"},
                                                            {"Content-Length", "11"}});
}
