// SPDX-License-Identifier: MIT
#include "core/log/writer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cstdint>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/uio.h>
#include <system_error>
#include <unistd.h>
#include <utility>

namespace hooks::log {
namespace {

constexpr off_t k_block_bytes = off_t{64} * 1024;

// A batch is written with one writev of three vectors per record, within IOV_MAX (1024).
constexpr size_t k_max_records_per_write = 256;
constexpr size_t k_max_seq_digits = std::numeric_limits<std::uint64_t>::digits10 + 1;

// What to_json_line starts every line with, up to and including the digit of seq 0.
constexpr std::string_view k_head_with_seq_zero = R"({"v":2,"seq":0)";

std::string reason_for(int error_number) {
    return std::system_category().message(error_number);
}

tl::unexpected<Error> io_error(std::string_view action, const std::string& path, int error_number) {
    return fail(ErrorKind::input,
                std::string(action) + " " + path + ": " + reason_for(error_number));
}

bool is_blank(std::string_view line) {
    return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// A line read from the end of the file, and where it starts.
struct TailLine {
    std::string text;
    off_t start = 0;
};

// Reads a file's lines backwards from a given end, a block at a time, so that opening a large
// log reads only its last few kilobytes.
class TailReader {
  public:
    TailReader(int fd, off_t end) : m_fd(fd), m_buffer_start(end), m_end(end) {}

    // The line that ends at the current end (without its '\n'); then the end moves to that
    // line's '\n'. Empty optional once the start of the file has been passed; fails with errno.
    tl::expected<std::optional<TailLine>, int> previous_line() {
        if (m_is_done) {
            return std::nullopt;
        }
        while (true) {
            auto used = static_cast<size_t>(m_end - m_buffer_start);
            size_t newline = std::string_view(m_buffer.data(), used).rfind('\n');
            if (newline != std::string_view::npos) {
                auto start = m_buffer_start + static_cast<off_t>(newline) + 1;
                TailLine line{m_buffer.substr(newline + 1, used - newline - 1), start};
                m_end = start - 1;
                return line;
            }
            if (m_buffer_start == 0) {
                m_is_done = true;
                return TailLine{m_buffer.substr(0, used), 0};
            }
            if (int error_number = read_previous_block(used); error_number != 0) {
                return tl::unexpected(error_number);
            }
        }
    }

  private:
    // Prepends the block before the buffer, keeping only the `used` bytes already read.
    int read_previous_block(size_t used) {
        off_t block_start = std::max<off_t>(0, m_buffer_start - k_block_bytes);
        auto size = static_cast<size_t>(m_buffer_start - block_start);
        std::string block(size, '\0');
        size_t done = 0;
        while (done < size) {
            ssize_t got = pread(m_fd, block.data() + done, size - done,
                                block_start + static_cast<off_t>(done));
            if (got < 0 && errno == EINTR) {
                continue;
            }
            if (got <= 0) {
                return got < 0 ? errno : EIO; // the file shrank under us
            }
            done += static_cast<size_t>(got);
        }
        block.append(m_buffer, 0, used);
        m_buffer = std::move(block);
        m_buffer_start = block_start;
        return 0;
    }

    int m_fd;
    std::string m_buffer; ///< the file's bytes from m_buffer_start on
    off_t m_buffer_start;
    off_t m_end;
    bool m_is_done = false;
};

struct OpenState {
    std::uint64_t next_seq = 1;
    std::string repair_note;
};

// Cuts off (or, when it is a whole record lacking only its '\n', completes) an unterminated
// last line. Returns the record when it was kept.
Result<std::optional<Record>> repair_tail(int fd, const std::string& path, const TailLine& tail,
                                          std::string& note) {
    if (auto record = parse_json_line(tail.text)) {
        if (write(fd, "\n", 1) != 1) {
            return io_error("cannot repair", path, errno);
        }
        note = "added the missing newline after the last record";
        return std::optional<Record>(std::move(*record));
    }
    if (ftruncate(fd, tail.start) != 0) {
        return io_error("cannot repair", path, errno);
    }
    note = "removed a torn last line of " + std::to_string(tail.text.size()) + " bytes";
    return std::optional<Record>();
}

// Finds the last record of an existing log, repairing a torn last line on the way.
Result<OpenState> read_open_state(int fd, const std::string& path, off_t size) {
    OpenState state;
    TailReader reader(fd, size);
    auto line = reader.previous_line();
    std::optional<Record> last;
    if (line && *line && !(*line)->text.empty()) {
        auto kept = repair_tail(fd, path, **line, state.repair_note);
        if (!kept) {
            return tl::unexpected(kept.error());
        }
        last = std::move(*kept);
    }
    while (!last && line && *line) {
        line = reader.previous_line();
        if (!line || !*line || is_blank((*line)->text)) {
            continue;
        }
        auto record = parse_json_line((*line)->text);
        if (!record) {
            return fail(ErrorKind::input,
                        path + ": the last record does not parse: " + record.error().message);
        }
        last = std::move(*record);
    }
    if (!line) {
        return io_error("cannot read", path, line.error());
    }
    if (last) {
        if (last->seq == std::numeric_limits<std::uint64_t>::max()) {
            return fail(ErrorKind::input, path + ": seq cannot go beyond its maximum");
        }
        state.next_seq = last->seq + 1;
    }
    return state;
}

// Undoes the `written` bytes of a short write, so that no torn line stays in the log.
std::string roll_back(int fd, size_t written) {
    if (written == 0) {
        return "";
    }
    off_t end = lseek(fd, 0, SEEK_CUR);
    if (end < 0 || ftruncate(fd, end - static_cast<off_t>(written)) != 0) {
        return "; a torn line is left (" + reason_for(errno) + ")";
    }
    return "";
}

// Writes all of `vectors` (adjusting them as it goes), again after a short write (disk full,
// file size limit) until a write fails. The bytes written, and errno when not all were.
std::pair<size_t, int> write_all(int fd, std::vector<iovec>& vectors) {
    size_t done = 0;
    size_t first = 0;
    while (first < vectors.size()) {
        auto count = static_cast<int>(std::min<size_t>(vectors.size() - first, IOV_MAX));
        ssize_t written = writev(fd, vectors.data() + first, count);
        if (written < 0 && errno == EINTR) {
            continue;
        }
        if (written <= 0) {
            return {done, written < 0 ? errno : ENOSPC};
        }
        done += static_cast<size_t>(written);
        auto left = static_cast<size_t>(written);
        while (first < vectors.size() && left >= vectors[first].iov_len) {
            left -= vectors[first].iov_len;
            ++first;
        }
        if (left > 0) {
            vectors[first].iov_base = static_cast<char*>(vectors[first].iov_base) + left;
            vectors[first].iov_len -= left;
        }
    }
    return {done, 0};
}

} // namespace

Result<std::unique_ptr<Writer>> Writer::open(const std::string& path, off_t drop_behind_window) {
    // Read-write, not write-only: opening reads the last record back to continue seq.
    int fd = ::open(path.c_str(), O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return io_error("cannot open", path, errno);
    }
    struct stat status {};
    if (fstat(fd, &status) != 0) {
        int error_number = errno;
        close(fd);
        return io_error("cannot open", path, error_number);
    }
    OpenState state;
    std::optional<off_t> end;
    // A pipe or terminal (--log /dev/stdout) has no end to read back: numbering starts at 1.
    if (S_ISREG(status.st_mode)) {
        auto read = read_open_state(fd, path, status.st_size);
        if (!read) {
            close(fd);
            return tl::unexpected(read.error());
        }
        state = std::move(*read);
        end = lseek(fd, 0, SEEK_END);
    }
    return std::unique_ptr<Writer>(new Writer(
        fd, path, state.next_seq, std::move(state.repair_note), end, drop_behind_window));
}

Writer::Writer(int fd, std::string path, std::uint64_t next_seq, std::string repair_note,
               std::optional<off_t> drop_behind_from, off_t drop_behind_window)
    : m_fd(fd), m_path(std::move(path)), m_next_seq(next_seq),
      m_repair_note(std::move(repair_note)), m_is_regular(drop_behind_from.has_value()) {
    if (drop_behind_from && *drop_behind_from >= 0) {
        m_drop_behind.emplace(fd, *drop_behind_from, drop_behind_window);
    }
}

Writer::~Writer() {
    m_drop_behind.reset(); // its thread uses the descriptor
    close(m_fd);
}

std::optional<std::string> Writer::writeback_failure() {
    return m_drop_behind ? m_drop_behind->failure() : std::nullopt;
}

void Writer::wait_for_writeback() {
    if (m_drop_behind) {
        m_drop_behind->wait_idle();
    }
}

std::string_view Batch::line(std::size_t i) const {
    size_t start = i == 0 ? 0 : m_ends[i - 1];
    return std::string_view(m_lines).substr(start, m_ends[i] - start);
}

std::size_t Batch::written_size(std::size_t i, std::uint64_t seq) const {
    std::array<char, k_max_seq_digits> digits{};
    auto digit_count = static_cast<size_t>(
        std::to_chars(digits.data(), digits.data() + digits.size(), seq).ptr - digits.data());
    return line(i).size() - 1 + digit_count;
}

void Batch::add(const Record& record) {
    size_t start = m_lines.size();
    if (record.seq == 0) {
        append_json_line(record, m_lines);
    } else {
        Record copy = record;
        copy.seq = 0;
        append_json_line(copy, m_lines);
    }
    if (m_lines.compare(start, k_head_with_seq_zero.size(), k_head_with_seq_zero) != 0) {
        throw std::logic_error("to_json_line no longer starts with v and seq");
    }
    m_ends.push_back(m_lines.size());
}

void Batch::clear() {
    m_lines.clear();
    m_ends.clear();
}

Result<void> Writer::append(Record& record) {
    Batch batch;
    batch.add(record);
    BatchResult result = append_batch(batch);
    if (result.written == 0) {
        return tl::unexpected(std::move(*result.error));
    }
    record.seq = result.first_seq;
    return {};
}

Result<std::string> Sink::read_line(Place /*place*/) const {
    return fail(ErrorKind::input, "this log cannot be read back");
}

BatchResult Writer::append_batch(const Batch& batch) {
    std::lock_guard lock(m_mutex);
    BatchResult result{m_next_seq, 0, std::nullopt, std::nullopt};
    std::uint64_t bytes = 0;
    while (result.written < batch.size() && !result.error) {
        size_t count = std::min(batch.size() - result.written, k_max_records_per_write);
        size_t whole = write_records(batch, result.written, count, result.error);
        for (size_t i = 0; batch.asks_place() && i < whole; ++i) {
            bytes += m_sizes[i];
        }
        result.written += whole;
        m_next_seq += whole;
    }
    if (batch.asks_place() && !result.error && result.written > 0) {
        result.first_offset = start_of_last(bytes);
    }
    return result;
}

// The descriptor's offset is the end of what it wrote last (O_APPEND moves it to the end of
// the file first): the batch's lines lie just before it, unless another process appended
// between two of its writes (then a line read back is not the one expected: its reader checks).
std::optional<std::uint64_t> Writer::start_of_last(std::uint64_t bytes) const {
    if (!m_is_regular) {
        return std::nullopt;
    }
    off_t end = lseek(m_fd, 0, SEEK_CUR);
    if (end < 0 || static_cast<std::uint64_t>(end) < bytes) {
        return std::nullopt;
    }
    return static_cast<std::uint64_t>(end) - bytes;
}

Result<std::string> Writer::read_line(Place place) const {
    if (!m_is_regular) {
        return Sink::read_line(place);
    }
    std::string line(place.size, '\0');
    size_t done = 0;
    while (done < line.size()) {
        ssize_t got = pread(m_fd, line.data() + done, line.size() - done,
                            static_cast<off_t>(place.offset + done));
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got < 0) {
            return io_error("cannot read back from", m_path, errno);
        }
        if (got == 0) {
            return fail(ErrorKind::input, m_path + " is shorter than when the record was written "
                                                   "(was it truncated?)");
        }
        done += static_cast<size_t>(got);
    }
    return line;
}

// Under m_mutex: records [first, first + count) of `batch`, numbered from m_next_seq, with one
// writev: each line as its head up to "seq":, the digits, and the rest after its seq 0.
size_t Writer::write_records(const Batch& batch, size_t first, size_t count,
                             std::optional<Error>& error) {
    constexpr size_t k_head = k_head_with_seq_zero.size() - 1;
    m_digits.resize(count * k_max_seq_digits);
    m_vectors.clear();
    m_sizes.clear();
    size_t start = first == 0 ? 0 : batch.m_ends[first - 1];
    for (size_t i = 0; i < count; ++i) {
        char* digits = m_digits.data() + i * k_max_seq_digits;
        char* digits_end = std::to_chars(digits, digits + k_max_seq_digits, m_next_seq + i).ptr;
        // writev takes non-const pointers but only reads through them.
        char* line = const_cast<char*>(batch.m_lines.data()) + start;
        size_t end = batch.m_ends[first + i];
        auto digit_count = static_cast<size_t>(digits_end - digits);
        m_vectors.push_back({line, k_head});
        m_vectors.push_back({digits, digit_count});
        m_vectors.push_back({line + k_head + 1, end - start - k_head - 1});
        m_sizes.push_back(end - start - 1 + digit_count);
        start = end;
    }
    auto [written, error_number] = write_all(m_fd, m_vectors);
    if (error_number == 0) {
        if (m_drop_behind) {
            m_drop_behind->appended(written);
        }
        return count;
    }
    size_t whole = 0;
    size_t whole_bytes = 0;
    while (whole < count && whole_bytes + m_sizes[whole] <= written) {
        whole_bytes += m_sizes[whole++];
    }
    std::string leftover = roll_back(m_fd, written - whole_bytes);
    error = Error{ErrorKind::input,
                  "cannot write to " + m_path + ": " + reason_for(error_number) + leftover};
    return whole;
}

std::optional<unsigned> Writer::wide_mode() const {
    struct stat status {};
    if (::fstat(m_fd, &status) != 0 || !S_ISREG(status.st_mode) || (status.st_mode & 077U) == 0) {
        return std::nullopt;
    }
    return static_cast<unsigned>(status.st_mode & 0777U);
}

} // namespace hooks::log
