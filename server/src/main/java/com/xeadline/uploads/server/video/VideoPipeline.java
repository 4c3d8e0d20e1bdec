package com.xeadline.uploads.server.video;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.jobs.Job;
import com.xeadline.uploads.server.jobs.JobDirs;
import com.xeadline.uploads.server.jobs.JobHandler;
import com.xeadline.uploads.server.jobs.JobQueue;
import com.xeadline.uploads.server.jobs.JobWorkers;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadFinishedListener;
import com.xeadline.uploads.tus.upload.UploadTerminatedListener;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a finished video: a probe job (a video_metadata row, or the upload marked
 * failed when it is not a readable video), then one transcode job per configured rendition.
 * Jobs are rows, so they survive restarts; this class only queues them and runs them.
 */
public final class VideoPipeline implements UploadFinishedListener, UploadTerminatedListener {
  private static final Logger log = LoggerFactory.getLogger(VideoPipeline.class);
  public static final String PROBE = "probe";
  public static final String TRANSCODE = "transcode";
  private static final int MISSED_PROBES_PER_START = 1000;

  private final UploadsConfig.Video config;
  private final VideoTools tools;
  private final UploadSessions sessions;
  private final UploadService storage;
  private final StorageProviders providers;
  private final VideoMetadataStore videos;
  private final JobQueue jobs;
  private final FinalFiles finals;
  private final Path jobsDir;
  private final Clock clock;
  private JobWorkers workers;

  public VideoPipeline(
      UploadsConfig.Video config,
      VideoTools tools,
      UploadSessions sessions,
      UploadService storage,
      StorageProviders providers,
      VideoMetadataStore videos,
      JobQueue jobs,
      Path jobsDir,
      Clock clock) {
    this.config = config;
    this.tools = tools;
    this.sessions = sessions;
    this.storage = storage;
    this.providers = providers;
    this.videos = videos;
    this.jobs = jobs;
    this.finals = new FinalFiles(storage.files(), providers);
    this.jobsDir = jobsDir;
    this.clock = clock;
  }

  /** The handlers by job kind, for the workers. */
  public Map<String, JobHandler> handlers() {
    return Map.of(PROBE, new ProbeHandler(), TRANSCODE, new TranscodeHandler());
  }

  public void attach(JobWorkers workers) {
    this.workers = workers;
  }

  @Override
  public void uploadFinished(UploadRow row) {
    if (wantsProbe(row)) {
      jobs.enqueue(PROBE, row.id(), "", config.maxAttempts(), clock.instant());
      if (workers != null) {
        workers.wake();
      }
    }
  }

  private boolean wantsProbe(UploadRow row) {
    return config.probe()
        && tools.prober().isPresent()
        && !"PARTIAL".equals(row.uploadType())
        && row.contentType() != null
        && row.contentType().startsWith("video/");
  }

  /** A terminated upload takes its metadata, renditions and jobs with it. */
  @Override
  public void terminated(UploadRow row) throws IOException {
    Optional<VideoRow> video = videos.find(row.id());
    if (video.isPresent()) {
      for (Map<String, Object> version : video.get().transcodedVersions()) {
        Object key = version.get("storageKey");
        Object provider = version.get("provider");
        if (key != null && provider != null && providers.named(provider.toString()).isPresent()) {
          providers.named(provider.toString()).get().delete(key.toString());
        }
      }
      videos.delete(row.id());
    }
    jobs.deleteForUpload(row.id());
  }

  /** Queues finished videos whose probe never was (a crash between completion and queueing). */
  public int queueMissedProbes() {
    int queued = 0;
    for (String id : jobs.completedWithoutProbe(MISSED_PROBES_PER_START)) {
      Optional<UploadRow> row = sessions.find(id);
      if (row.isPresent() && wantsProbe(row.get()) && jobs.enqueue(PROBE, id, "", config.maxAttempts(), clock.instant())) {
        queued++;
      }
    }
    return queued;
  }

  private final class ProbeHandler implements JobHandler {
    @Override
    public void run(Job job, Progress progress) throws Exception {
      Optional<UploadRow> found = sessions.find(job.uploadId());
      if (found.isEmpty() || found.get().status() != UploadStatus.COMPLETED) {
        return; // deleted or failed meanwhile: nothing to probe
      }
      UploadRow row = found.get();
      VideoProber prober = tools.prober().orElseThrow(() -> new PermanentFailure("no video prober on this server"));
      Path work = jobsDir.resolve(job.id());
      try {
        Path file = finals.localCopy(row, work);
        VideoInfo info;
        try {
          info = prober.probe(file);
        } catch (VideoProber.NotAVideoException e) {
          // Refused like a file failing the content check: the row says why, the bytes (which
          // nobody can download from a failed upload) are freed.
          String reason = "not a readable video: " + e.getMessage();
          storage.markFailedKeepingBytes(row.id(), reason);
          finals.delete(row);
          log.atInfo().addKeyValue("upload_id", row.id()).log("video.unreadable_bytes_freed");
          throw new PermanentFailure(reason);
        }
        long size = Files.size(file);
        Map<String, String> metadata = row.metadata();
        videos.save(row.id(), row.userId(), metadata.get("title"), metadata.get("description"), size, info, clock.instant());
        sessions.putMetadata(row.id(), "video", VideoMetadataStore.write(summary(info)));
        log.atInfo().addKeyValue("upload_id", row.id()).addKeyValue("codec", info.codec())
            .addKeyValue("width", info.width()).addKeyValue("height", info.height())
            .addKeyValue("duration_seconds", info.durationSeconds()).log("video.probed");
        for (UploadsConfig.Rendition rendition : config.renditions()) {
          jobs.enqueue(TRANSCODE, row.id(), rendition.name(), config.maxAttempts(), clock.instant());
        }
        if (!config.renditions().isEmpty() && workers != null) {
          workers.wake();
        }
      } finally {
        JobDirs.deleteTree(work);
      }
    }

    @Override
    public void gaveUp(Job job, String reason) {
      // Kept: a probe that kept failing for another reason than the file (I/O, the provider)
      // leaves the bytes for an operator. An unreadable file was already recorded above.
      Optional<UploadRow> row = sessions.find(job.uploadId());
      if (row.isPresent() && row.get().status() != UploadStatus.FAILED) {
        storage.markFailedKeepingBytes(job.uploadId(), reason);
      }
    }
  }

  private final class TranscodeHandler implements JobHandler {
    @Override
    public void run(Job job, Progress progress) throws Exception {
      Optional<UploadRow> found = sessions.find(job.uploadId());
      Optional<VideoRow> video = videos.find(job.uploadId());
      Optional<UploadsConfig.Rendition> rendition =
          config.renditions().stream().filter(r -> r.name().equals(job.payload())).findFirst();
      if (found.isEmpty() || video.isEmpty() || found.get().status() != UploadStatus.COMPLETED) {
        return;
      }
      if (rendition.isEmpty()) {
        throw new PermanentFailure("rendition " + job.payload() + " is no longer configured");
      }
      Path ffmpeg = tools.ffmpeg().orElseThrow(() -> new PermanentFailure("no ffmpeg on this server: install ffmpeg"));
      UploadRow row = found.get();
      Path work = jobsDir.resolve(job.id());
      try {
        Files.createDirectories(work);
        Path input = finals.localCopy(row, work);
        Path output = work.resolve(rendition.get().name() + ".mp4");
        try {
          new Transcoder(ffmpeg).transcode(input, output, rendition.get(), video.get().durationSeconds(), progress::report);
        } catch (Transcoder.TranscodeException e) {
          throw new Exception(e.getMessage(), e);
        }
        StorageProvider provider = providers.current();
        String key = "renditions/" + row.id() + "/" + rendition.get().name() + ".mp4";
        long size = Files.size(output);
        provider.storeFile(
            key, output, "video/mp4", Map.of("upload-id", row.id(), "rendition", rendition.get().name()));
        Map<String, Object> version = new LinkedHashMap<>();
        version.put("format", rendition.get().name());
        version.put("url", "/api/videos/" + row.id() + "/renditions/" + rendition.get().name());
        version.put("width", rendition.get().width());
        version.put("height", rendition.get().height());
        version.put("bitrate", rendition.get().bitrate());
        version.put("size", size);
        version.put("provider", provider.name());
        version.put("storageKey", key);
        videos.putTranscodedVersion(row.id(), version, clock.instant());
        videos.find(row.id()).ifPresent(v -> sessions.putMetadata(row.id(), "transcodedVersions", VideoMetadataStore.write(publicVersions(v))));
        log.atInfo().addKeyValue("upload_id", row.id()).addKeyValue("rendition", rendition.get().name())
            .addKeyValue("bytes", size).log("video.transcoded");
      } finally {
        JobDirs.deleteTree(work);
      }
    }
  }

  /** The renditions as clients see them (without where they are stored). */
  public static List<Map<String, Object>> publicVersions(VideoRow video) {
    return video.transcodedVersions().stream()
        .map(
            v -> {
              Map<String, Object> shown = new LinkedHashMap<>(v);
              shown.remove("provider");
              shown.remove("storageKey");
              return shown;
            })
        .toList();
  }

  private static Map<String, Object> summary(VideoInfo info) {
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("durationSeconds", info.durationSeconds());
    summary.put("width", info.width());
    summary.put("height", info.height());
    summary.put("codec", info.codec());
    summary.put("format", info.format());
    summary.put("bitrate", info.bitrate());
    summary.put("framerate", info.frameRate());
    return summary;
  }
}
