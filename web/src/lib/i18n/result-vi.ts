// Messages of the result screen: merged into the catalog by i18n.addPack() before the result screen
// (a lazily loaded chunk) shows, so the first load does not carry them (lib/result-i18n.ts).
export const resultVi = {
  'result.title': 'Kết quả của bạn',
  'result.correct': 'Số câu đúng',
  'result.correctValue': '{n}/{total}',
  'result.time': 'Thời gian làm bài',
  'result.best': 'Kết quả tốt nhất của bạn',
  'result.bestValue': '{n} câu đúng, {time}',
  'round.rank': 'Xếp hạng trong {round}',
  'round.ended': 'Đợt thi này đã kết thúc. Đợt tiếp theo bắt đầu lúc {at}.',
  'round.attemptsLeft': 'Lượt còn lại trong {round}',
  'result.attemptsLeft': 'Số lượt thi còn lại',
  'result.rank': 'Xếp hạng hiện tại',
  'result.rankFinal': 'Xếp hạng chung cuộc',
  'result.rankValue': 'Hạng {rank}',
  'result.late': 'Bài nộp sau khi hết giờ: chỉ tính các câu đã lưu trước khi hết giờ.',
  'result.answers': 'Đáp án',
  'result.yourChoice': 'Bạn chọn: {choice}',
  'result.correctChoice': 'Đáp án đúng: {choice}',
  'result.noChoice': '(bỏ trống)',
  'result.right': 'Đúng',
  'result.wrong': 'Sai',
  'result.share': 'Chia sẻ kết quả',
  'result.shareText': 'Tôi trả lời đúng {n}/{total} câu trong "{title}". Mời bạn cùng tham gia!',
  'result.again': 'Thi lượt nữa',
  'result.ended': 'Cuộc thi đã kết thúc, không thi thêm lượt nào nữa.',
  'result.board': 'Bảng xếp hạng cá nhân',
  'result.unitBoard': 'Bảng xếp hạng đơn vị',
  'result.another': 'Người khác thi',
  'result.anotherNote': 'Máy dùng chung? Bấm "Người khác thi" để xóa thông tin của bạn khỏi máy trước khi đưa máy cho người khác.',
};

export type ResultKey = keyof typeof resultVi;
