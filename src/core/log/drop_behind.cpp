// SPDX-License-Identifier: MIT
#include "core/log/drop_behind.hpp"

#include <cerrno>
#include <fcntl.h>
#include <system_error>

namespace hooks::log {

DropBehind::DropBehind(int fd, off_t start, off_t window)
    : m_fd(fd), m_window(window), m_noted(start), m_target(start), m_flushed(start),
      m_dropped(start) {}

DropBehind::~DropBehind() {
    {
        std::lock_guard lock(m_mutex);
        m_is_stopping = true;
    }
    m_changed.notify_all();
    if (m_thread.joinable()) { // no appended() any more, so nothing assigns m_thread
        m_thread.join();
    }
}

void DropBehind::appended(off_t end) {
    bool is_truncated = end < m_noted;
    if (!is_truncated && end - m_noted < m_window) {
        return;
    }
    m_noted = end;
    {
        std::lock_guard lock(m_mutex);
        m_is_restarted = m_is_restarted || is_truncated;
        m_target = end;
        if (!m_has_thread) {
            m_has_thread = true;
            m_thread = std::thread(&DropBehind::run, this);
        }
    }
    m_changed.notify_one();
}

void DropBehind::wait_idle() {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_has_thread || is_caught_up(); });
}

std::optional<std::string> DropBehind::failure() {
    std::lock_guard lock(m_mutex);
    return m_failure;
}

bool DropBehind::is_caught_up() const {
    return !m_is_busy && !m_is_restarted && m_flushed == m_target;
}

void DropBehind::run() {
    std::unique_lock lock(m_mutex);
    while (true) {
        m_changed.wait(lock, [this] { return m_is_stopping || !is_caught_up(); });
        if (m_is_stopping) {
            return;
        }
        if (m_is_restarted) {
            m_is_restarted = false;
            m_flushed = m_dropped = 0;
        }
        off_t target = m_target;
        off_t flushed = m_flushed;
        off_t dropped = m_dropped;
        bool has_failed = m_failure.has_value();
        m_is_busy = true;
        lock.unlock();

        int error_number = 0;
        if (target > flushed &&
            sync_file_range(m_fd, flushed, target - flushed, SYNC_FILE_RANGE_WRITE) != 0) {
            error_number = errno;
        }
        // The window before the new one has had a window's time to reach the disk: wait for
        // it (usually done), then drop it. Never after a failure: the kernel keeps what it
        // could not write.
        if (error_number == 0 && !has_failed && flushed > dropped) {
            constexpr unsigned k_wait_for_all =
                SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER;
            if (sync_file_range(m_fd, dropped, flushed - dropped, k_wait_for_all) != 0) {
                error_number = errno;
            } else {
                posix_fadvise(m_fd, dropped, flushed - dropped, POSIX_FADV_DONTNEED);
                dropped = flushed;
            }
        }

        lock.lock();
        if (error_number != 0 && !m_failure) {
            m_failure = std::system_category().message(error_number);
        }
        if (!m_is_restarted) {
            m_flushed = target;
            m_dropped = dropped;
        }
        m_is_busy = false;
        m_changed.notify_all();
    }
}

} // namespace hooks::log
