package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.tus.upload.FileConcatenation;
import com.xeadline.uploads.tus.protocol.TusUploadStorage;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.upload.UploadRules;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import me.desair.tus.server.HttpMethod;
import me.desair.tus.server.TusFileUploadService;
import me.desair.tus.server.checksum.validation.ChecksumAlgorithmValidator;
import me.desair.tus.server.concatenation.ConcatenationHeadRequestHandler;
import me.desair.tus.server.core.CoreDefaultResponseHeadersHandler;
import me.desair.tus.server.core.validation.HttpMethodValidator;
import me.desair.tus.server.core.validation.IdExistsValidator;
import me.desair.tus.server.core.validation.TusResumableValidator;
import me.desair.tus.server.core.validation.UploadOffsetValidator;
import me.desair.tus.server.creation.CreationHeadRequestHandler;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import me.desair.tus.server.termination.TerminationExtension;
import me.desair.tus.server.upload.UploadIdFactory;
import me.desair.tus.server.util.TusServletRequest;
import me.desair.tus.server.util.TusServletResponse;

/**
 * tus 1.0.0 on tus-java-server's request pipeline, with our storage and extension set. One writer
 * per upload: PATCH and DELETE hold the upload's lock; HEAD and GET read the committed row and
 * never wait.
 */
public final class TusService extends TusFileUploadService {
  private final UploadService storage;
  private final UploadLocks locks;
  private final Duration lockWait;
  private final UploadIdFactory ids;
  private final TusDiscovery discovery;

  public TusService(
      UploadService storage,
      FileConcatenation concatenation,
      UploadLocks locks,
      UploadIdFactory ids,
      PublicUrls urls,
      UploadRules rules,
      StorageProviders providers,
      Duration lockWait,
      boolean publicFinals,
      RequestBodies bodies) {
    this.storage = storage;
    this.locks = locks;
    this.lockWait = lockWait;
    this.ids = ids;
    this.discovery = new TusDiscovery(storage.getMaxUploadSize());
    String uploadPath = ids.getUploadUri();
    withUploadIdFactory(ids); // resets the factory's URI to the service's previous one
    withUploadUri(uploadPath);
    TusUploadStorage tusStorage = new TusUploadStorage(storage);
    withUploadStorageService(tusStorage);
    withMaxUploadSize(storage.getMaxUploadSize());
    tusStorage.setUploadConcatenationService(concatenation);
    // Same names as the library's extensions, so these replace them in place and in order.
    addTusExtension(core(storage, bodies));
    addTusExtension(creation(storage, concatenation, urls, rules, bodies));
    addTusExtension(checksum());
    addTusExtension(new TerminationExtension());
    addTusExtension(expiration(storage));
    addTusExtension(concatenation());
    addTusExtension(download(storage, concatenation, providers, publicFinals));
  }

  private static Extension core(UploadService storage, RequestBodies bodies) {
    return new Extension(
        "core",
        List.of(HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.PATCH),
        List.of(
            new HttpMethodValidator(),
            new RepeatedHeaderValidator(),
            new TusResumableValidator(),
            new IdExistsValidator(),
            new PatchRequestValidator(storage),
            new UploadOffsetValidator()),
        List.of(
            new CoreDefaultResponseHeadersHandler(),
            new TusVersionOnErrorHandler(),
            new HeadRequestHandler(),
            new PatchRequestHandler(storage, bodies)));
  }

  private static Extension creation(
      UploadService storage, FileConcatenation concatenation, PublicUrls urls, UploadRules rules, RequestBodies bodies) {
    return new Extension(
        "creation",
        List.of(HttpMethod.OPTIONS, HttpMethod.HEAD, HttpMethod.PATCH, HttpMethod.POST),
        List.of(new CreationRequestValidator(storage, rules)),
        List.of(
            new CreationHeadRequestHandler(),
            new CreationPostHandler(storage, concatenation, urls, bodies)));
  }

  private static Extension checksum() {
    return new Extension(
        "checksum",
        List.of(HttpMethod.OPTIONS, HttpMethod.PATCH),
        List.of(new ChecksumAlgorithmValidator()),
        List.of());
  }

  private static Extension expiration(UploadService storage) {
    return new Extension(
        "expiration",
        List.of(HttpMethod.OPTIONS, HttpMethod.PATCH, HttpMethod.POST),
        List.of(),
        List.of(new ExpirationHeaderHandler(storage)));
  }

  private static Extension concatenation() {
    return new Extension(
        "concatenation",
        List.of(HttpMethod.OPTIONS, HttpMethod.POST, HttpMethod.PATCH, HttpMethod.HEAD),
        List.of(),
        List.of(new ConcatenationHeadRequestHandler()));
  }

  private static Extension download(
      UploadService storage, FileConcatenation concatenation, StorageProviders providers, boolean publicFinals) {
    return new Extension(
        "download",
        List.of(HttpMethod.GET),
        List.of(),
        List.of(new DownloadHandler(storage, concatenation, providers, publicFinals)));
  }

  @Override
  public void process(HttpServletRequest request, HttpServletResponse response, String ownerKey)
      throws IOException {
    process(request, response, ownerKey, () -> {});
  }

  /**
   * @param cutConnection ends this request's connection; run when another request needs the
   *     upload this one holds (a client resuming after its earlier connection silently died)
   */
  public void process(
      HttpServletRequest servletRequest,
      HttpServletResponse servletResponse,
      String ownerKey,
      Runnable cutConnection)
      throws IOException {
    HttpMethod method = HttpMethod.getMethodIfSupported(servletRequest, getSupportedHttpMethods());
    if (HttpMethod.OPTIONS.equals(method)) {
      // The same answer the server gives while it is still starting (TusDiscovery).
      discovery.headers().forEach(servletResponse::setHeader);
      servletResponse.setStatus(HttpServletResponse.SC_NO_CONTENT);
      return;
    }
    TusServletRequest request =
        new TusServletRequest(new AnnouncedTrailerRequest(servletRequest), false);
    TusServletResponse response = new TusServletResponse(new PlainTextErrorResponse(servletResponse));
    var id =
        HttpMethod.PATCH.equals(method) || HttpMethod.DELETE.equals(method)
            ? ids.readUploadId(servletRequest.getRequestURI())
            : null;
    if (id == null) {
      processInRequestScope(method, request, response, ownerKey);
      return;
    }
    try (UploadLocks.Lease lease = locks.acquire(id.toString(), lockWait, cutConnection)) {
      processInRequestScope(method, request, response, ownerKey);
    } catch (UploadAlreadyLockedException e) {
      processTusException(method, request, response, ownerKey, e);
    }
  }

  private void processInRequestScope(
      HttpMethod method, TusServletRequest request, TusServletResponse response, String ownerKey)
      throws IOException {
    if (HttpMethod.HEAD.equals(method)) {
      storage.openReadOnlyScope();
    } else {
      storage.openRequestScope();
    }
    try {
      processLockedRequest(method, request, response, ownerKey);
    } finally {
      storage.closeRequestScope();
    }
  }
}
