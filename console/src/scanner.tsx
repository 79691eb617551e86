import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n.ts';

// Reads a QR code from the device camera: frames of the video are drawn on a canvas and decoded
// with jsQR, until a code is found or scanning stops. Where no camera can be opened, it says so
// and the desk types the code instead.

export function Scanner({
  onCode,
  onStop,
}: {
  onCode: (code: string) => void;
  onStop: () => void;
}) {
  const words = t();
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let frame = 0;
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const look = () => {
      const v = video.current;
      if (v && context && v.readyState >= 2) {
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        context.drawImage(v, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = jsQR(image.data, image.width, image.height);
        if (found?.data) {
          onCode(found.data.trim());
          return;
        }
      }
      frame = requestAnimationFrame(look);
    };
    navigator.mediaDevices
      ?.getUserMedia({ video: { facingMode: 'environment' } })
      .then((media) => {
        stream = media;
        if (video.current) {
          video.current.srcObject = media;
          void video.current.play();
        }
        frame = requestAnimationFrame(look);
      })
      .catch(() => setProblem(words.noCamera)) ?? setProblem(words.noCamera);
    return () => {
      cancelAnimationFrame(frame);
      for (const track of stream?.getTracks() ?? []) track.stop();
    };
  }, []);
  return (
    <div class="scanner">
      {problem ? (
        <p role="alert">{problem}</p>
      ) : (
        <video ref={video} muted playsInline aria-label={words.scan} />
      )}
      <button type="button" onClick={onStop}>
        {words.stopScan}
      </button>
    </div>
  );
}
