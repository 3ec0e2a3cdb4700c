#include "broker/pipeline/worker_pool.h"

#include "core/xml/xml_init.h"

namespace ozgbus::broker {

Result<std::unique_ptr<WorkerPool>> WorkerPool::start(const std::vector<std::string>& stages,
                                                      const StageContext& ctx,
                                                      std::vector<Refused> refused) {
  std::unique_ptr<WorkerPool> pool(new WorkerPool());
  for (std::size_t i = 0; i < refused.size(); ++i) {
    auto p = StageRegistry::builtin().build(stages, ctx);
    if (!p) return p.rejection();
    pool->pipelines_.push_back(std::make_unique<Pipeline>(std::move(*p)));
  }
  pool->refused_ = std::move(refused);
  for (std::size_t i = 0; i < pool->pipelines_.size(); ++i) {
    pool->threads_.emplace_back([raw = pool.get(), i] {
      xml::quietXmlErrorsOnThisThread();
      raw->run(*raw->pipelines_[i], raw->refused_[i]);
    });
  }
  return pool;
}

WorkerPool::~WorkerPool() { stop(); }

void WorkerPool::submit(Message message) { queue_.push(std::move(message)); }

void WorkerPool::stop() {
  queue_.close();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerPool::run(Pipeline& pipeline, const Refused& refused) {
  while (auto m = queue_.take()) {
    if (auto rejection = pipeline.run(*m)) {
      refused(
          Refusal{std::move(m->origin), m->header.message_uuid, std::move(*rejection), m->sender});
    }
  }
}

}  // namespace ozgbus::broker
