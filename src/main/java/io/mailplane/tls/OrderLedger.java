package io.mailplane.tls;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.api.Timestamps;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.List;

/** Starts orders and keeps their timelines; shared by the API, the renewal job and the worker. */
@ApplicationScoped
public class OrderLedger {
  private static final int MAX_STEPS = 200;

  /** Fired when an order is started; the worker wakes once the transaction commits. */
  public record Started() {}

  @Inject ObjectMapper json;
  @Inject Event<Started> started;

  @Transactional(Transactional.TxType.MANDATORY)
  public AcmeOrder start(ManagedCertificate certificate, String reason) {
    AcmeOrder order = new AcmeOrder();
    order.certificateId = certificate.id;
    order.reason = reason;
    order.status = AcmeOrder.NEW;
    order.domains = certificate.domains;
    order.challenge = certificate.challenge;
    order.keyType = certificate.keyType;
    order.createdAt = Timestamps.now();
    order.updatedAt = order.createdAt;
    order.nextAttemptAt = order.createdAt;
    order.timeline = "[]";
    step(order, "created", reason);
    order.persist();
    certificate.currentOrderId = order.id;
    certificate.status = certificate.notAfter == null ? "pending" : "renewing";
    certificate.updatedAt = order.createdAt;
    started.fire(new Started());
    return order;
  }

  public void step(AcmeOrder order, String step, String detail) {
    List<OrderStepDto> steps = timeline(order);
    if (steps.size() < MAX_STEPS) {
      steps.add(new OrderStepDto(Timestamps.now(), step, detail));
    }
    try {
      order.timeline = json.writeValueAsString(steps);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    order.updatedAt = Timestamps.now();
  }

  List<OrderStepDto> timeline(AcmeOrder order) {
    try {
      return new ArrayList<>(
          json.readValue(order.timeline, new TypeReference<List<OrderStepDto>>() {}));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonNode problem(String stored) {
    if (stored == null) {
      return null;
    }
    try {
      return json.readTree(stored);
    } catch (JsonProcessingException e) {
      return json.getNodeFactory().objectNode().put("detail", stored);
    }
  }

  /** A problem document of our own, same shape as the CA's. */
  String problemJson(String type, String detail) {
    return json.getNodeFactory()
        .objectNode()
        .put("type", "urn:mailplane:problem:" + type)
        .put("detail", detail)
        .toString();
  }

  CertificateOrderDto toDto(AcmeOrder order, String certificateName) {
    return new CertificateOrderDto(
        order.id,
        certificateName,
        order.reason,
        order.status,
        order.domainList(),
        order.challenge,
        order.keyType,
        order.orderUrl,
        order.createdAt,
        order.updatedAt,
        order.active() ? order.nextAttemptAt : null,
        order.finishedAt,
        timeline(order),
        problem(order.error));
  }
}
