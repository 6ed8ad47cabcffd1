// SPDX-License-Identifier: MIT
#include "core/log/drop_behind.hpp"
#include "core/log/reader.hpp"
#include "core/log/writer.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <fstream>
#include <linux/magic.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

using namespace hooks::log;
using hooks::test::TempDir;

namespace {

constexpr off_t k_window = off_t{1} << 20;

Record record_with_body(std::size_t index) {
    Record record;
    record.id = "msg_" + std::to_string(index);
    record.received_at = std::chrono::system_clock::time_point(std::chrono::seconds(1'795'000'000));
    record.remote = "127.0.0.1:5000";
    record.message.headers = {{"Content-Type", "application/json"}};
    record.message.body = std::string(3000, static_cast<char>('a' + index % 26));
    return record;
}

/// Appends records of about 7 KB, in batches of 8, until the log holds `bytes`; returns how
/// many it appended.
std::size_t fill(Writer& writer, const std::string& path, off_t bytes, std::size_t first = 0) {
    std::size_t count = 0;
    struct stat status {};
    while (stat(path.c_str(), &status) == 0 && status.st_size < bytes) {
        Batch batch;
        for (int i = 0; i < 8; ++i) {
            batch.add(record_with_body(first + count++));
        }
        REQUIRE(writer.append_batch(batch).written == batch.size());
    }
    return count;
}

/// How many of the pages of `path` in [offset, offset + length) are in the page cache.
std::size_t resident_pages(const std::string& path, off_t offset, off_t length) {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    void* mapped =
        mmap(nullptr, static_cast<std::size_t>(offset + length), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    REQUIRE(mapped != MAP_FAILED);
    auto page = static_cast<off_t>(sysconf(_SC_PAGESIZE));
    std::vector<unsigned char> flags(static_cast<std::size_t>((offset + length + page - 1) / page));
    REQUIRE(mincore(mapped, static_cast<std::size_t>(offset + length), flags.data()) == 0);
    munmap(mapped, static_cast<std::size_t>(offset + length));
    std::size_t resident = 0;
    for (auto i = static_cast<std::size_t>(offset / page); i < flags.size(); ++i) {
        resident += flags[i] & 1U;
    }
    return resident;
}

/// tmpfs and ramfs keep files in memory only: there is nothing to write back or drop.
bool is_memory_only(const std::string& path) {
    struct statfs info {};
    REQUIRE(statfs(path.c_str(), &info) == 0);
    return info.f_type == TMPFS_MAGIC || info.f_type == RAMFS_MAGIC;
}

/// The records of the log, in order, checked whole: seq and body.
void check_records(const std::string& path, std::uint64_t first_seq, std::size_t first_index,
                   std::size_t count) {
    std::ifstream input(path, std::ios::binary);
    Reader reader(input, path);
    std::size_t read = 0;
    while (true) {
        auto next = reader.next();
        REQUIRE(next);
        if (!*next) {
            break;
        }
        const Record& record = **next;
        CHECK(record.seq == first_seq + read);
        CHECK(record.message.body == record_with_body(first_index + read).message.body);
        ++read;
    }
    CHECK(read == count);
}

std::unique_ptr<Writer> open_log(const std::string& path) {
    auto writer = Writer::open(path, k_window);
    REQUIRE(writer);
    return std::move(*writer);
}

int thread_count() {
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("Threads:", 0) == 0) {
            return std::stoi(line.substr(8));
        }
    }
    FAIL("no Threads: line in /proc/self/status");
    return 0;
}

} // namespace

TEST_CASE("a log's pages are written back and dropped from the cache a window behind its end",
          "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_log(path);
    std::size_t count = fill(*writer, path, 5 * k_window);
    writer->wait_for_writeback();
    CHECK_FALSE(writer->writeback_failure());

    if (is_memory_only(path)) {
        WARN("the temporary directory is in memory: nothing is dropped, only the log is checked");
    } else {
        // Windows end on record boundaries; the page astride each boundary may stay.
        CHECK(resident_pages(path, 0, 3 * k_window) <= 4);
        // The control: the last window is not dropped yet, so the method sees resident pages.
        struct stat status {};
        REQUIRE(stat(path.c_str(), &status) == 0);
        CHECK(resident_pages(path, status.st_size - k_window / 2, k_window / 2) > 0);
    }
    check_records(path, 1, 0, count);
}

TEST_CASE("drop-behind starts again from the beginning of a log truncated under it", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    auto writer = open_log(path);
    std::size_t before = fill(*writer, path, 3 * k_window);
    writer->wait_for_writeback();
    REQUIRE(truncate(path.c_str(), 0) == 0);
    std::size_t after = fill(*writer, path, 4 * k_window, before);
    writer->wait_for_writeback();

    if (!is_memory_only(path)) {
        CHECK(resident_pages(path, 0, 2 * k_window) <= 4);
    }
    check_records(path, before + 1, before, after);
}

TEST_CASE("drop-behind starts its thread only once a window has been appended", "[log]") {
    TempDir dir;
    std::string path = dir.file("log.jsonl");
    int threads = thread_count();
    {
        auto writer = open_log(path);
        fill(*writer, path, k_window / 2);
        writer->wait_for_writeback(); // returns at once: nothing to wait for
        CHECK(thread_count() == threads);
        fill(*writer, path, 2 * k_window);
        CHECK(thread_count() == threads + 1);
    }
    CHECK(thread_count() == threads);
}

TEST_CASE("drop-behind reports a failure and drops nothing after it", "[log]") {
    int pipe_ends[2];
    REQUIRE(pipe(pipe_ends) == 0);
    {
        DropBehind drop(pipe_ends[1], 0, 4096);
        drop.appended(100); // under a window: nothing happens
        drop.wait_idle();
        CHECK_FALSE(drop.failure());
        drop.appended(8192);
        drop.wait_idle();
        REQUIRE(drop.failure());
        CHECK(*drop.failure() == "Illegal seek"); // a pipe has no offset: ESPIPE
        drop.appended(16384);
        drop.wait_idle();
        CHECK(*drop.failure() == "Illegal seek");
    }
    close(pipe_ends[0]);
    close(pipe_ends[1]);
}
