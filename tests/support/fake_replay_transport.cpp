// SPDX-License-Identifier: MIT
#include "support/fake_replay_transport.hpp"

namespace hooks::testing {

Result<std::unique_ptr<http::Connection>>
FakeReplayTransport::connect(const http::Url& /*origin*/,
                             const http::ClientOptions& /*options*/) const {
    return fail(ErrorKind::input, "FakeReplayTransport runs batches only");
}

http::AttemptResult FakeReplayTransport::answer(int status) {
    http::ClientResponse response;
    response.status = status;
    response.latency = std::chrono::milliseconds(1);
    return response;
}

http::AttemptResult FakeReplayTransport::no_answer(http::Failure failure) {
    return tl::unexpected(http::ClientError{failure, "fake failure"});
}

Result<void> FakeReplayTransport::run_batch(const http::Url& /*origin*/, http::BatchDriver& driver,
                                            const http::BatchOptions& /*options*/) const {
    while (!driver.should_stop()) {
        auto job = driver.next();
        if (!job) {
            return tl::unexpected(job.error());
        }
        if (!*job) {
            break;
        }
        {
            std::lock_guard lock(m_mutex);
            m_started.push_back((*job)->tag);
        }
        if (auto done = exchange(driver, std::move(**job)); !done) {
            return done;
        }
    }
    return {};
}

Result<void> FakeReplayTransport::exchange(http::BatchDriver& driver, http::BatchJob job) const {
    http::WireRequest request = std::move(job.request);
    std::optional<http::AttemptResult> forced; // a rebuild that failed
    for (int attempt = 1;; ++attempt) {
        http::AttemptResult result = http::ClientResponse();
        if (forced) {
            result = std::move(*forced);
            forced.reset();
        } else {
            {
                std::lock_guard lock(m_mutex);
                m_sent.push_back(Sent{job.tag, attempt, request.bytes});
            }
            result = m_script ? m_script(job.tag, attempt) : answer(204);
        }
        auto retry = driver.finished(job.tag, attempt, result);
        if (!retry) {
            driver.recycle(std::move(request));
            return tl::unexpected(retry.error());
        }
        // As the batch engine does: a stop drops the retries waiting.
        if (!*retry || driver.should_stop()) {
            break;
        }
        {
            std::lock_guard lock(m_mutex);
            m_waits.push_back((*retry)->wait);
        }
        m_clock.advance((*retry)->wait);
        if ((*retry)->is_rebuilt) {
            auto rebuilt = driver.rebuild(job.tag, attempt + 1);
            if (rebuilt) {
                driver.recycle(std::move(request));
                request = std::move(*rebuilt);
            } else {
                forced = tl::unexpected(
                    http::ClientError{http::Failure::other, rebuilt.error().message});
            }
        }
    }
    driver.recycle(std::move(request));
    return {};
}

std::vector<FakeReplayTransport::Sent> FakeReplayTransport::sent() const {
    std::lock_guard lock(m_mutex);
    return m_sent;
}

std::vector<std::uint64_t> FakeReplayTransport::started() const {
    std::lock_guard lock(m_mutex);
    return m_started;
}

std::vector<std::chrono::milliseconds> FakeReplayTransport::waits() const {
    std::lock_guard lock(m_mutex);
    return m_waits;
}

} // namespace hooks::testing
