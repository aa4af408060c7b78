// QR codes drawn in the browser (the `qrcode` library, loaded only by the share kit).
import QRCode from 'qrcode';

const OPTIONS = { errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } } as const;

/** An SVG data URL: sharp at any print size. */
export async function qrSvgUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { ...OPTIONS, type: 'svg' });
  return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(svg);
}

/** A PNG data URL, for saving and pasting into chat groups. */
export function qrPngUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { ...OPTIONS, width: 720, type: 'image/png' });
}
