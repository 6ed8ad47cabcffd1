// SPDX-License-Identifier: MIT
#include "core/log/reader.hpp"
#include "core/log/writer.hpp"
#include "support/log_lines.hpp"
#include "support/temp_dir.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace hooks::log;
using hooks::test::TempDir;
namespace fs = std::filesystem;

namespace {

Record sample_record(std::string body = R"({"type":"ping"})") {
    Record record;
    record.id = "msg_1";
    record.received_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    record.remote = "127.0.0.1:5000";
    record.message.headers = {{"Content-Type", "application/json"}};
    record.message.body = std::move(body);
    return record;
}

std::string read_file(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(stream), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

std::unique_ptr<Writer> open_writer(const std::string& path) {
    auto writer = Writer::open(path);
    INFO((writer ? std::string() : writer.error().message));
    REQUIRE(writer.has_value());
    return std::move(*writer);
}

std::uint64_t append(Writer& writer, Record record = sample_record()) {
    auto appended = writer.append(record);
    INFO((appended ? std::string() : appended.error().message));
    REQUIRE(appended.has_value());
    return record.seq;
}

} // namespace

TEST_CASE("writer creates the log with mode 0600 and numbers records from 1", "[log]") {
    TempDir dir;
    std::string path = dir.file("deliveries.jsonl");
    auto writer = open_writer(path);
    CHECK(writer->repair_note().empty());
    Record first = sample_record();
    REQUIRE(writer->append(first));
    Record second = sample_record("");
    REQUIRE(writer->append(second));
    CHECK(first.seq == 1);
    CHECK(second.seq == 2);
    CHECK(read_file(path) == to_json_line(first) + to_json_line(second));
    struct stat status {};
    REQUIRE(stat(path.c_str(), &status) == 0);
    CHECK((status.st_mode & 0777) == 0600);
}

TEST_CASE("writer continues seq across reopening, past blank lines and large records", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    {
        auto writer = open_writer(path);
        append(*writer);
        // Larger than the 64 KiB block that open() reads backwards with.
        append(*writer, sample_record(std::string(200'000, 'x')));
    }
    CHECK(append(*open_writer(path)) == 3);
    std::ofstream(path, std::ios::binary | std::ios::app) << "\n \r\n\n";
    auto writer = open_writer(path);
    CHECK(writer->repair_note().empty());
    CHECK(append(*writer) == 4);
}

TEST_CASE("writer continues a version 1 log with version 2 records", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    Record old = sample_record(std::string("\xff\0", 2));
    old.seq = 41;
    std::string v1 = hooks::testing::to_v1_json_line(old);
    write_file(path, v1);
    auto writer = open_writer(path);
    Record next = sample_record(std::string("a\0b", 3));
    CHECK(append(*writer, next) == 42);
    next.seq = 42;
    std::string log = read_file(path);
    CHECK(log == v1 + to_json_line(next));
    CHECK(log.substr(v1.size()).starts_with(R"({"v":2,"seq":42,)"));
    std::ifstream input(path, std::ios::binary);
    Reader reader(input, path);
    CHECK(reader.next().value() == old);
    CHECK(reader.next().value() == next);
}

namespace {

// Bodies that a log must carry byte for byte: not UTF-8, NUL bytes, empty, escapes, 16 MiB.
std::vector<std::string> hard_bodies() {
    std::vector<std::string> bodies = {
        std::string("\xff\xfe\x00\x01 not \xc3\x28 UTF-8 \x80", 19),
        std::string("a\0b\0\0end\x1f\x7f", 10),
        std::string(),
        "{\"quote\":\"\\\"\",\"tab\":\"\t\",\"caf\xc3\xa9\":\"\xf0\x9f\x98\x80\"}\r\n",
    };
    constexpr std::size_t k_size = std::size_t{16} << 20;
    std::mt19937_64 random(14);
    std::string binary(k_size, '\0');
    for (std::size_t i = 0; i < k_size; i += 8) {
        std::uint64_t word = random();
        std::memcpy(binary.data() + i, &word, 8);
    }
    bodies.push_back(std::move(binary));
    // Valid UTF-8 throughout, with a NUL, a control byte and quotes to escape in every 256
    // bytes: written as body_text.
    std::string text;
    text.reserve(k_size);
    std::string pattern =
        std::string("{\"note\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\\\0\x01\"}\n", 29);
    pattern.append(256 - pattern.size(), 'x');
    while (text.size() < k_size) {
        text += pattern;
    }
    bodies.push_back(std::move(text));
    return bodies;
}

} // namespace

TEST_CASE("bodies round-trip byte-exact through the writer and the reader, in both versions",
          "[log]") {
    TempDir dir;
    std::vector<std::string> bodies = hard_bodies();
    std::string v2_path = dir.file("v2.jsonl");
    std::string v1_path = dir.file("v1.jsonl");
    {
        auto writer = open_writer(v2_path);
        std::ofstream v1(v1_path, std::ios::binary);
        for (std::size_t i = 0; i < bodies.size(); ++i) {
            Record record = sample_record(bodies[i]);
            CHECK(append(*writer, record) == i + 1);
            record.seq = i + 1;
            v1 << hooks::testing::to_v1_json_line(record);
        }
    }
    for (const std::string& path : {v2_path, v1_path}) {
        std::ifstream input(path, std::ios::binary);
        Reader reader(input, path);
        for (std::size_t i = 0; i < bodies.size(); ++i) {
            INFO(path << " record " << i + 1);
            auto next = reader.next();
            REQUIRE(next.has_value());
            REQUIRE(next->has_value());
            CHECK((*next)->seq == i + 1);
            CHECK((*next)->message.body.size() == bodies[i].size());
            CHECK((*next)->message.body == bodies[i]);
        }
        CHECK_FALSE(reader.next().value().has_value());
    }
    // Version 1 held a UTF-8 body twice: body_text and 4/3 of it again as body_b64.
    CHECK(fs::file_size(v1_path) > fs::file_size(v2_path) + bodies[5].size() * 4 / 3);
}

TEST_CASE("writer cuts off a torn last line when it opens the log", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    append(*open_writer(path));
    std::string complete = read_file(path);
    std::string torn = to_json_line(sample_record(std::string(100'000, 'y'))).substr(0, 70'000);
    std::ofstream(path, std::ios::binary | std::ios::app) << torn;

    auto writer = open_writer(path);
    CHECK(writer->repair_note() == "removed a torn last line of 70000 bytes");
    CHECK(read_file(path) == complete);
    CHECK(append(*writer) == 2);
}

TEST_CASE("writer repairs a log that is only a torn line", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    write_file(path, R"({"v":1,"seq":9,"id)");
    auto writer = open_writer(path);
    CHECK(writer->repair_note() == "removed a torn last line of 18 bytes");
    CHECK(read_file(path).empty());
    CHECK(append(*writer) == 1);
}

TEST_CASE("writer completes a last record that only lacks its newline", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    Record record = sample_record();
    record.seq = 41;
    std::string line = to_json_line(record);
    write_file(path, line.substr(0, line.size() - 1));
    auto writer = open_writer(path);
    CHECK(writer->repair_note() == "added the missing newline after the last record");
    CHECK(read_file(path) == line);
    CHECK(append(*writer) == 42);
}

TEST_CASE("writer refuses a log whose last complete line does not parse", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    Record record = sample_record();
    write_file(path, to_json_line(record) + "{\"v\":1,\"seq\":2}\n");
    auto writer = Writer::open(path);
    REQUIRE_FALSE(writer.has_value());
    CHECK(writer.error().message ==
          path + ": the last record does not parse: received_at: missing");
    CHECK(writer.error().kind == hooks::ErrorKind::input);
}

TEST_CASE("writer fails with one line when the log cannot be opened", "[log]") {
    TempDir dir;
    auto in_missing_directory = Writer::open(dir.file("missing/log.jsonl"));
    REQUIRE_FALSE(in_missing_directory.has_value());
    CHECK(in_missing_directory.error().message ==
          "cannot open " + dir.file("missing/log.jsonl") + ": No such file or directory");
    auto directory = Writer::open(dir.path.string());
    REQUIRE_FALSE(directory.has_value());
    CHECK(directory.error().message == "cannot open " + dir.path.string() + ": Is a directory");
}

// RLIMIT_FSIZE (with SIGXFSZ ignored) makes the kernel cut a write short at the limit, as a full
// disk does. The limit applies to the whole process, so the check runs in a forked child, which
// reports by exit code: 0 when every expectation held, else the number of the one that failed.
TEST_CASE("writer truncates a short write away and does not use up the seq", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    std::string error_message;
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        auto writer = Writer::open(path);
        Record first = sample_record();
        if (!writer || !(*writer)->append(first) || first.seq != 1) {
            _exit(10);
        }
        auto size_before = static_cast<rlim_t>(fs::file_size(path));
        rlimit limit{};
        getrlimit(RLIMIT_FSIZE, &limit);
        rlimit lowered{size_before + 100, limit.rlim_max};
        setrlimit(RLIMIT_FSIZE, &lowered);
        Record big = sample_record(std::string(1000, 'z'));
        auto failed = (*writer)->append(big);
        if (failed || failed.error().message != "cannot write to " + path + ": File too large") {
            _exit(11);
        }
        if (fs::file_size(path) != size_before || big.seq != 0) {
            _exit(12);
        }
        setrlimit(RLIMIT_FSIZE, &limit);
        if (!(*writer)->append(big) || big.seq != 2) {
            _exit(13);
        }
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    std::istringstream lines(read_file(path));
    Reader reader(lines, path);
    CHECK(reader.next().value()->seq == 1);
    CHECK(reader.next().value()->message.body == std::string(1000, 'z'));
    CHECK_FALSE(reader.next().value().has_value());
}

TEST_CASE("concurrent appends get unique consecutive seqs and whole lines", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_writer(path);
    constexpr int k_threads = 8;
    constexpr int k_per_thread = 150;
    std::vector<std::thread> threads;
    threads.reserve(k_threads);
    std::atomic<int> failures{0};
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_per_thread; ++i) {
                Record record = sample_record(std::string(static_cast<size_t>(i * 37 % 3000), 'b'));
                record.id = std::to_string(t) + "-" + std::to_string(i);
                if (!writer->append(record)) {
                    ++failures;
                }
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    CHECK(failures == 0);
    std::ifstream stream(path, std::ios::binary);
    Reader reader(stream, path);
    std::set<std::string> ids;
    std::uint64_t expected_seq = 1;
    while (auto record = reader.next().value()) {
        CHECK(record->seq == expected_seq++);
        ids.insert(record->id.value());
    }
    CHECK(ids.size() == std::size_t{k_threads} * k_per_thread);
    CHECK(reader.warning().empty());
}

namespace {

Record record_with_id(const std::string& id, std::string body = R"({"type":"ping"})") {
    Record record = sample_record(std::move(body));
    record.id = id;
    return record;
}

// The seqs and ids of the records in the log, in file order; the reader must find no torn line.
std::vector<std::pair<std::uint64_t, std::string>> read_seqs_and_ids(const std::string& path) {
    std::ifstream stream(path, std::ios::binary);
    Reader reader(stream, path);
    std::vector<std::pair<std::uint64_t, std::string>> seen;
    while (auto record = reader.next().value()) {
        seen.emplace_back(record->seq, record->id.value_or(""));
    }
    CHECK(reader.warning().empty());
    return seen;
}

} // namespace

TEST_CASE("a batch is appended in order with consecutive seqs after single records", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_writer(path);
    CHECK(append(*writer, record_with_id("single")) == 1);
    Batch batch;
    for (const char* id : {"a", "b", "c"}) {
        batch.add(record_with_id(id, std::string(300, *id)));
    }
    Record numbered = record_with_id("d");
    numbered.seq = 77; // a seq the caller left in the record is not what gets written
    batch.add(numbered);
    BatchResult result = writer->append_batch(batch);
    CHECK(result.first_seq == 2);
    CHECK(result.written == 4);
    CHECK_FALSE(result.error.has_value());
    CHECK(append(*writer, record_with_id("after")) == 6);
    using Seen = std::vector<std::pair<std::uint64_t, std::string>>;
    CHECK(read_seqs_and_ids(path) ==
          Seen{{1, "single"}, {2, "a"}, {3, "b"}, {4, "c"}, {5, "d"}, {6, "after"}});

    batch.clear();
    CHECK(batch.empty());
    result = writer->append_batch(batch);
    CHECK(result.written == 0);
    CHECK_FALSE(result.error.has_value());
    CHECK(append(*writer, record_with_id("last")) == 7);
}

TEST_CASE("a batch larger than one writev takes is written whole and in order", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_writer(path);
    Batch batch;
    constexpr std::size_t k_records = 700;
    for (std::size_t i = 0; i < k_records; ++i) {
        batch.add(record_with_id(std::to_string(i), std::string(i % 50, 'q')));
    }
    BatchResult result = writer->append_batch(batch);
    CHECK(result.written == k_records);
    auto seen = read_seqs_and_ids(path);
    REQUIRE(seen.size() == k_records);
    for (std::size_t i = 0; i < k_records; ++i) {
        CHECK(seen[i] == std::pair<std::uint64_t, std::string>{i + 1, std::to_string(i)});
    }
}

TEST_CASE("a batch says where its lines lie, and each reads back as the file holds it", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_writer(path);
    append(*writer, record_with_id("before")); // the batches do not start at offset 0
    // Small, then beyond one writev's worth of records; seqs of 1, 2 and 3 digits.
    for (std::size_t records : {std::size_t{3}, std::size_t{700}}) {
        Batch batch;
        for (std::size_t i = 0; i < records; ++i) {
            batch.add(record_with_id(std::to_string(i), std::string(i % 40, 'q')));
        }
        // Only when asked.
        CHECK_FALSE(writer->append_batch(batch).first_offset.has_value());
        batch.ask_place(true);
        std::uint64_t size_before = fs::file_size(path);
        BatchResult result = writer->append_batch(batch);
        REQUIRE(result.written == records);
        REQUIRE(result.first_offset.has_value());
        CHECK(*result.first_offset == size_before);
        std::string file = read_file(path);
        std::uint64_t offset = *result.first_offset;
        for (std::size_t i = 0; i < records; ++i) {
            Place place{offset, batch.written_size(i, result.first_seq + i)};
            auto line = writer->read_line(place);
            REQUIRE(line.has_value());
            CHECK(*line == file.substr(offset, place.size));
            CHECK(line->ends_with('\n'));
            auto record = parse_json_line(*line);
            REQUIRE(record.has_value());
            CHECK(record->seq == result.first_seq + i);
            CHECK(record->id == std::to_string(i));
            offset += place.size;
        }
        CHECK(offset == file.size());
    }
}

TEST_CASE("reading a line back fails with one line once the log is shorter, or not a file",
          "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_writer(path);
    Batch batch;
    batch.ask_place(true);
    batch.add(record_with_id("gone"));
    BatchResult result = writer->append_batch(batch);
    REQUIRE(result.first_offset == 0);
    Place place{0, batch.written_size(0, result.first_seq)};
    REQUIRE(writer->read_line(place).has_value());
    fs::resize_file(path, 10);
    auto line = writer->read_line(place);
    REQUIRE_FALSE(line.has_value());
    CHECK(line.error().message == path + " is shorter than when the record was written (was it "
                                         "truncated?)");

    // A log on a device has no place to read back from.
    auto device = open_writer("/dev/null");
    BatchResult to_device = device->append_batch(batch);
    CHECK(to_device.written == 1);
    CHECK_FALSE(to_device.first_offset.has_value());
    auto from_device = device->read_line(place);
    REQUIRE_FALSE(from_device.has_value());
    CHECK(from_device.error().message == "this log cannot be read back");
}

// As above, in a forked child under RLIMIT_FSIZE: the limit falls inside the second record of
// a batch, so the kernel writes the first whole and part of the second.
TEST_CASE("a short write in a batch keeps the whole records and cuts the rest away", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        std::signal(SIGXFSZ, SIG_IGN);
        auto writer = Writer::open(path);
        Record first = record_with_id("first");
        if (!writer || !(*writer)->append(first) || first.seq != 1) {
            _exit(10);
        }
        auto size_before = fs::file_size(path);
        Batch batch;
        for (const char* id : {"x", "y", "z"}) {
            batch.add(record_with_id(id, std::string(1000, *id)));
        }
        auto line_size = to_json_line(record_with_id("x", std::string(1000, 'x'))).size() - 1 +
                         std::to_string(2).size();
        rlimit limit{};
        getrlimit(RLIMIT_FSIZE, &limit);
        rlimit lowered{static_cast<rlim_t>(size_before + line_size + 100), limit.rlim_max};
        setrlimit(RLIMIT_FSIZE, &lowered);
        BatchResult result = (*writer)->append_batch(batch);
        if (result.written != 1 || result.first_seq != 2 || !result.error ||
            result.error->message != "cannot write to " + path + ": File too large") {
            _exit(11);
        }
        if (fs::file_size(path) != size_before + line_size) {
            _exit(12);
        }
        setrlimit(RLIMIT_FSIZE, &limit);
        Record next = record_with_id("next");
        if (!(*writer)->append(next) || next.seq != 3) {
            _exit(13);
        }
        _exit(0);
    }
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    using Seen = std::vector<std::pair<std::uint64_t, std::string>>;
    CHECK(read_seqs_and_ids(path) == Seen{{1, "first"}, {2, "x"}, {3, "next"}});
}

TEST_CASE("concurrent batches and single appends get consecutive seqs and whole lines", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_writer(path);
    constexpr int k_threads = 6;
    constexpr int k_rounds = 60;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    threads.reserve(k_threads);
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            Batch batch;
            for (int round = 0; round < k_rounds; ++round) {
                std::string prefix = std::to_string(t) + "-" + std::to_string(round) + "-";
                if (t % 2 == 0) {
                    Record record = record_with_id(prefix + "0", std::string(500, 's'));
                    failures += writer->append(record) ? 0 : 1;
                    continue;
                }
                batch.clear();
                int size = 1 + round % 7;
                for (int i = 0; i < size; ++i) {
                    batch.add(record_with_id(prefix + std::to_string(i),
                                             std::string(static_cast<size_t>(i * 211), 'b')));
                }
                auto result = writer->append_batch(batch);
                failures += result.written == batch.size() ? 0 : 1;
            }
        });
    }
    for (std::thread& thread : threads) {
        thread.join();
    }
    CHECK(failures == 0);
    auto seen = read_seqs_and_ids(path);
    std::set<std::string> ids;
    for (std::size_t i = 0; i < seen.size(); ++i) {
        CHECK(seen[i].first == i + 1);
        ids.insert(seen[i].second);
        // A batch's records stay together and in order.
        auto cut = seen[i].second.rfind('-') + 1;
        int index = std::stoi(seen[i].second.substr(cut));
        if (index > 0) {
            CHECK(seen[i - 1].second == seen[i].second.substr(0, cut) + std::to_string(index - 1));
        }
    }
    std::size_t expected = 0;
    for (int t = 0; t < k_threads; ++t) {
        for (int round = 0; round < k_rounds; ++round) {
            expected += t % 2 == 0 ? 1 : static_cast<std::size_t>(1 + round % 7);
        }
    }
    CHECK(ids.size() == expected);
    CHECK(seen.size() == expected);
}
