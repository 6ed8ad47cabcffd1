// SPDX-License-Identifier: MIT
#include "core/log/writer.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
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

// What to_json_line starts every line with, up to and including the digit of seq 0.
constexpr std::string_view k_head_with_seq_zero = R"({"v":1,"seq":0)";

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
    off_t end = lseek(fd, 0, SEEK_CUR);
    if (end < 0 || ftruncate(fd, end - static_cast<off_t>(written)) != 0) {
        return "; a torn line is left (" + reason_for(errno) + ")";
    }
    return "";
}

// Writes `parts` as one line with a single writev(2); on failure nothing of it stays.
Result<void> write_line(int fd, const std::string& path, std::array<std::string_view, 3> parts) {
    std::array<iovec, 3> vectors{};
    size_t total = 0;
    for (size_t i = 0; i < parts.size(); ++i) {
        // writev takes non-const pointers but only reads through them.
        vectors[i] = {const_cast<char*>(parts[i].data()), parts[i].size()};
        total += parts[i].size();
    }
    ssize_t written = 0;
    do {
        written = writev(fd, vectors.data(), static_cast<int>(vectors.size()));
    } while (written < 0 && errno == EINTR);
    if (written < 0) {
        return io_error("cannot write to", path, errno);
    }
    if (static_cast<size_t>(written) == total) {
        return {};
    }
    // A short write (disk full, file size limit): a second write of the rest reports the reason.
    std::string rest = std::string(parts[0]) + std::string(parts[1]) + std::string(parts[2]);
    rest.erase(0, static_cast<size_t>(written));
    ssize_t more = write(fd, rest.data(), rest.size());
    if (more >= 0 && static_cast<size_t>(more) == rest.size()) {
        return {}; // the rest went in after all; under our mutex nothing came in between
    }
    int error_number = more < 0 ? errno : ENOSPC;
    size_t in_file = static_cast<size_t>(written) + static_cast<size_t>(std::max<ssize_t>(more, 0));
    std::string leftover = roll_back(fd, in_file);
    return fail(ErrorKind::input,
                "cannot write to " + path + ": " + reason_for(error_number) + leftover);
}

} // namespace

Result<std::unique_ptr<Writer>> Writer::open(const std::string& path) {
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
    // A pipe or terminal (--log /dev/stdout) has no end to read back: numbering starts at 1.
    if (S_ISREG(status.st_mode)) {
        auto read = read_open_state(fd, path, status.st_size);
        if (!read) {
            close(fd);
            return tl::unexpected(read.error());
        }
        state = std::move(*read);
    }
    return std::unique_ptr<Writer>(
        new Writer(fd, path, state.next_seq, std::move(state.repair_note)));
}

Writer::Writer(int fd, std::string path, std::uint64_t next_seq, std::string repair_note)
    : m_fd(fd), m_path(std::move(path)), m_next_seq(next_seq),
      m_repair_note(std::move(repair_note)) {}

Writer::~Writer() {
    close(m_fd);
}

Result<void> Writer::append(Record& record) {
    // Serialize before taking the lock, with seq 0; the digits are spliced in under the lock.
    std::uint64_t caller_seq = std::exchange(record.seq, 0);
    std::string line = to_json_line(record);
    record.seq = caller_seq;
    if (line.compare(0, k_head_with_seq_zero.size(), k_head_with_seq_zero) != 0) {
        throw std::logic_error("to_json_line no longer starts with v and seq");
    }
    std::string_view whole = line;
    std::string_view head = whole.substr(0, k_head_with_seq_zero.size() - 1);
    std::string_view tail = whole.substr(k_head_with_seq_zero.size());
    std::array<char, 24> digits{};
    std::lock_guard lock(m_mutex);
    auto end = std::to_chars(digits.data(), digits.data() + digits.size(), m_next_seq).ptr;
    std::string_view seq(digits.data(), static_cast<size_t>(end - digits.data()));
    if (auto written = write_line(m_fd, m_path, {head, seq, tail}); !written) {
        return written;
    }
    record.seq = m_next_seq++;
    return {};
}

} // namespace hooks::log
