#include "broker/delivery/receipt_signer.h"

#include <spdlog/spdlog.h>

#include "broker/delivery/receipt_document.h"
#include "core/xml/xml_init.h"

namespace ozgbus::broker {

ReceiptSigner::ReceiptSigner(std::shared_ptr<const dsig::Signer> signer, Done done)
    : signer_(std::move(signer)), done_(std::move(done)) {
  thread_ = std::thread([this] {
    xml::quietXmlErrorsOnThisThread();
    run();
  });
}

ReceiptSigner::~ReceiptSigner() { stop(); }

void ReceiptSigner::post(std::vector<ReceiptRecord> receipts) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(std::move(receipts));
  }
  cv_.notify_one();
}

void ReceiptSigner::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReceiptSigner::run() {
  for (;;) {
    std::vector<ReceiptRecord> batch;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      batch = std::move(queue_.front());
      queue_.pop_front();
    }
    for (ReceiptRecord& r : batch) {
      auto doc = signedReceiptDocument(r, *signer_);
      if (doc) {
        r.quittung = std::make_shared<const std::string>(std::move(*doc));
      } else {  // the transport tries again when it sends
        spdlog::error("receipt for message {}: signing failed: {}", r.message_uuid, doc.rejection().toString());
      }
    }
    done_(std::move(batch));
  }
}

}  // namespace ozgbus::broker
