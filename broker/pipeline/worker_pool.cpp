#include "broker/pipeline/worker_pool.h"

#include "core/xml/xml_init.h"

namespace ozgbus::broker {

Result<std::unique_ptr<WorkerPool>> WorkerPool::start(unsigned workers, const StageContext& ctx,
                                                      Mailbox& mailbox) {
  std::unique_ptr<WorkerPool> pool(new WorkerPool());
  for (unsigned i = 0; i < workers; ++i) {
    auto p = StageRegistry::builtin().build(ctx.config.stages, ctx);
    if (!p) return p.rejection();
    pool->pipelines_.push_back(std::make_unique<Pipeline>(std::move(*p)));
    pool->posters_.push_back(mailbox.poster());
  }
  for (unsigned i = 0; i < workers; ++i) {
    pool->threads_.emplace_back([raw = pool.get(), i] {
      xml::quietXmlErrorsOnThisThread();
      raw->run(*raw->pipelines_[i], *raw->posters_[i]);
    });
  }
  return pool;
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::submit(Message message) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(message));
  }
  cv_.notify_one();
}

void WorkerPool::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::run(Pipeline& pipeline, MailboxPoster& poster) {
  for (;;) {
    Message m;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      m = std::move(queue_.front());
      queue_.pop_front();
    }
    const std::string identity = m.identity;
    if (auto rejection = pipeline.run(m)) {
      auto e = std::make_unique<Event>();
      e->rejected.push_back(SubmitRejected{identity, m.correlation, m.header.message_uuid,
                                           std::move(*rejection), m.sender});
      poster.post(std::move(e));
    }
  }
}

}  // namespace ozgbus::broker
