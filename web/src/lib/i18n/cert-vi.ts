// Messages of the certificate of participation: merged into the catalog by i18n.addPack() when the
// result screen (a lazily loaded chunk) shows, so the first load does not carry them.
export const certVi = {
  'cert.button': 'Lưu giấy chứng nhận',
  'cert.busy': 'Đang tạo giấy chứng nhận…',
  'cert.saved': 'Đã tạo giấy chứng nhận. Xem trong mục Tải xuống của máy.',
  'cert.failed': 'Không tạo được giấy chứng nhận trên máy này.',
  'cert.title': 'GIẤY CHỨNG NHẬN',
  'cert.subtitle': 'Đã tham gia cuộc thi',
  'cert.certifies': 'Chứng nhận ông/bà',
  'cert.unit': 'Đơn vị: {unit}',
  'cert.round': 'Đợt thi: {round}',
  'cert.score': 'Kết quả: {n}/{total} câu trả lời đúng',
  'cert.date': 'Ngày {d} tháng {m} năm {y}',
};

export type CertKey = keyof typeof certVi;
