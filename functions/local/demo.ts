// Demo data for xã Tu Mơ Rông (Kon Tum), after its 2024 plan for communicating administrative reform.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Unit } from '../app/ports.ts';

export const demoUnits: Unit[] = [
  { id: 'hoi-nong-dan', name: 'Hội Nông dân xã', kind: 'mass_organization', memberCount: 420 },
  { id: 'hoi-phu-nu', name: 'Hội Liên hiệp Phụ nữ xã', kind: 'mass_organization', memberCount: 380 },
  { id: 'doan-thanh-nien', name: 'Đoàn Thanh niên xã', kind: 'mass_organization', memberCount: 260 },
  { id: 'hoi-cuu-chien-binh', name: 'Hội Cựu chiến binh xã', kind: 'mass_organization', memberCount: 95 },
  { id: 'cong-doan', name: 'Công đoàn cơ sở xã', kind: 'mass_organization', memberCount: 48 },
  { id: 'truong-hoc', name: 'Các trường học trên địa bàn xã', kind: 'school', memberCount: 70 },
  { id: 'tram-y-te', name: 'Trạm Y tế xã', kind: 'health', memberCount: 12 },
  { id: 'cong-an-xa', name: 'Công an xã', kind: 'police', memberCount: 15 },
];

export const demoVillages = [
  'Thôn Đắk Chum 1',
  'Thôn Đắk Chum 2',
  'Thôn Tu Mơ Rông',
  'Thôn Đắk Viên',
  'Thôn Long Tro',
  'Thôn Kon Hia',
  'Thôn Văn Loan',
];

export const DEMO_CONTEST_ID = 'cchc-2024';
/** The ready-made question bank from the commune's plan (issue 13), seeded into the library. */
export const READY_MADE_BANK = join(resolve(dirname(fileURLToPath(import.meta.url)), '..', '..'), 'data', 'bank', 'plan-2024.csv');
/** The demo contest that draws from the question library by topic (functions/local/demo-library.ts). */
export const DEMO_LIBRARY_CONTEST_ID = 'cchc-2024-ngan-hang';

export const demoContest = {
  title: 'Cuộc thi tìm hiểu về cải cách hành chính xã Tu Mơ Rông năm 2024',
  description:
    'Cuộc thi trực tuyến dành cho hội viên, đoàn viên các tổ chức đoàn thể trên địa bàn xã, nhằm tuyên truyền về cơ chế một cửa, dịch vụ công trực tuyến và cách phản ánh, kiến nghị về thủ tục hành chính.',
  rules: [
    '1. Mỗi người dùng số điện thoại của mình để đăng ký dự thi.',
    '2. Mỗi lượt thi gồm 10 câu hỏi chọn ngẫu nhiên, làm trong 10 phút.',
    '3. Mỗi người được thi tối đa 3 lượt; lượt có kết quả cao nhất được tính.',
    '4. Xếp hạng theo số câu trả lời đúng; nếu bằng nhau thì xét câu hỏi dự đoán số người tham gia, sau đó đến thời gian làm bài ngắn hơn.',
    '5. Số điện thoại chỉ dùng để liên hệ trao giải, không công khai.',
  ].join('\n'),
  questionsPerAttempt: 10,
  timeLimitSec: 600,
  maxAttempts: 3,
  prediction: { prompt: 'Theo bạn, sẽ có bao nhiêu người tham gia cuộc thi này?' },
  showAnswers: 'after_submit' as const,
};

/** Questions written from the commune's 2024 plan (one-stop shop, online public services, feedback channels). */
export const demoQuestions: { text: string; options: string[]; correct: number[]; topic: string; explanation?: string }[] = [
  {
    text: 'Chương trình tổng thể cải cách hành chính nhà nước giai đoạn 2021 - 2030 được ban hành theo văn bản nào?',
    options: ['Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ', 'Nghị định số 61/2018/NĐ-CP', 'Chỉ thị số 23/CT-TTg', 'Quyết định số 1847/QĐ-TTg'],
    correct: [0],
    topic: 'Chương trình tổng thể',
  },
  {
    text: 'Người dân có thể nộp hồ sơ thủ tục hành chính bằng những cách nào?',
    options: ['Trực tiếp tại Bộ phận một cửa', 'Qua dịch vụ bưu chính công ích', 'Trực tuyến trên Cổng dịch vụ công', 'Chỉ nộp trực tiếp cho Chủ tịch xã'],
    correct: [0, 1, 2],
    topic: 'Một cửa',
    explanation: 'Hồ sơ có thể nộp trực tiếp, qua bưu chính công ích hoặc trực tuyến.',
  },
  {
    text: 'Địa chỉ Cổng dịch vụ công quốc gia là gì?',
    options: ['dichvucong.gov.vn', 'chinhphu.vn', 'kontum.gov.vn', 'dichvucong.vn.com'],
    correct: [0],
    topic: 'Dịch vụ công trực tuyến',
  },
  {
    text: 'Nghị định số 107/2021/NĐ-CP sửa đổi, bổ sung nghị định nào về cơ chế một cửa, một cửa liên thông?',
    options: ['Nghị định số 61/2018/NĐ-CP', 'Nghị định số 45/2020/NĐ-CP', 'Nghị định số 20/2008/NĐ-CP', 'Nghị định số 63/2010/NĐ-CP'],
    correct: [0],
    topic: 'Một cửa',
  },
  {
    text: '"Dịch vụ công trực tuyến toàn trình" có nghĩa là gì?',
    options: [
      'Người dân thực hiện toàn bộ quá trình từ nộp hồ sơ đến nhận kết quả trên môi trường mạng',
      'Người dân chỉ tra cứu thông tin thủ tục trên mạng',
      'Người dân tải mẫu đơn về rồi nộp giấy tại xã',
      'Cán bộ xã làm hộ toàn bộ hồ sơ',
    ],
    correct: [0],
    topic: 'Dịch vụ công trực tuyến',
  },
  {
    text: 'Khi muốn phản ánh, kiến nghị về quy định hành chính, người dân có thể gửi qua đâu?',
    options: [
      'Hệ thống tiếp nhận, trả lời phản ánh kiến nghị trên Cổng dịch vụ công quốc gia',
      'Số điện thoại đường dây nóng về cải cách hành chính',
      'Chỉ được gửi thư tay lên tỉnh',
      'Không có kênh nào',
    ],
    correct: [0, 1],
    topic: 'Phản ánh, kiến nghị',
  },
  {
    text: 'Dịch vụ bưu chính công ích giúp người dân điều gì trong giải quyết thủ tục hành chính?',
    options: ['Gửi hồ sơ và nhận kết quả tại nhà qua bưu điện', 'Được miễn mọi lệ phí', 'Không cần nộp giấy tờ', 'Được giải quyết trước người khác'],
    correct: [0],
    topic: 'Bưu chính công ích',
  },
  {
    text: 'Theo kế hoạch, Trang thông tin điện tử của xã phải có ít nhất bao nhiêu tin, bài về cải cách hành chính mỗi tháng?',
    options: ['01 tin, bài', '05 tin, bài', '10 tin, bài', 'Không quy định'],
    correct: [0],
    topic: 'Tuyên truyền',
  },
  {
    text: 'Kênh nào được kế hoạch nhấn mạnh để đưa thông tin dịch vụ công trực tuyến đến từng thôn?',
    options: ['Nhóm Zalo của thôn', 'Báo in', 'Truyền hình trung ương', 'Thư điện tử'],
    correct: [0],
    topic: 'Tuyên truyền',
  },
  {
    text: 'Tổ chức nào được đề nghị hướng dẫn hội viên, đoàn viên giám sát, phản biện và sử dụng dịch vụ công trực tuyến?',
    options: ['Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức chính trị - xã hội', 'Chỉ Công an xã', 'Chỉ Trạm Y tế', 'Các doanh nghiệp'],
    correct: [0],
    topic: 'Mặt trận và đoàn thể',
  },
  {
    text: 'Công chức nào chủ trì đăng tin, bài về chỉ đạo, điều hành cải cách hành chính lên Trang thông tin điện tử xã?',
    options: ['Văn phòng - Thống kê', 'Địa chính - Xây dựng', 'Tư pháp - Hộ tịch', 'Tài chính - Kế toán'],
    correct: [0],
    topic: 'Trách nhiệm thực hiện',
  },
  {
    text: 'Nội dung nào thuộc cải cách chế độ công vụ?',
    options: ['Xây dựng nền công vụ chuyên nghiệp, trách nhiệm, năng động, thực tài', 'Tăng số lượng giấy tờ phải nộp', 'Kéo dài thời gian giải quyết hồ sơ', 'Bỏ việc tiếp nhận phản ánh'],
    correct: [0],
    topic: 'Chương trình tổng thể',
  },
  {
    text: 'Chỉ số nào đo mức độ hài lòng của người dân với sự phục vụ của cơ quan hành chính?',
    options: ['SIPAS', 'PCI', 'GDP', 'CPI'],
    correct: [0],
    topic: 'Chỉ số CCHC',
    explanation: 'SIPAS: Chỉ số đo lường sự hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước.',
  },
  {
    text: 'Hình thức tuyên truyền nào phù hợp để người dân ở thôn dễ đọc, dễ nắm bắt?',
    options: ['Băng rôn, khẩu hiệu, tờ rơi, tranh cổ động', 'Loa phóng thanh', 'Cuộc họp thôn', 'Văn bản tiếng nước ngoài'],
    correct: [0, 1, 2],
    topic: 'Tuyên truyền',
  },
  {
    text: 'Kỷ luật, kỷ cương hành chính của cán bộ, công chức có thuộc nội dung tuyên truyền cải cách hành chính không?',
    options: ['Có', 'Không'],
    correct: [0],
    topic: 'Kỷ luật, kỷ cương',
  },
];

/** The demo of rounds (docs/rounds.md): 4 weekly rounds drawing from the library, the current week open (demo-library.ts). */
export const DEMO_ROUNDS_CONTEST_ID = 'cchc-tuan-2024';

export const demoRoundsContest = {
  title: 'Tuần lễ tìm hiểu cải cách hành chính xã Tu Mơ Rông (4 tuần)',
  description:
    'Cuộc thi chia thành 4 đợt, mỗi tuần một đợt. Mỗi đợt có giải cá nhân riêng; giải tập thể tính trên cả 4 tuần theo tỷ lệ hội viên tham gia.',
  rules: [
    '1. Cuộc thi gồm 4 đợt, mỗi đợt 7 ngày.',
    '2. Mỗi lượt thi gồm 10 câu hỏi rút ngẫu nhiên từ ngân hàng câu hỏi dùng chung của xã, viết theo Kế hoạch tuyên truyền cải cách hành chính năm 2024, theo từng chủ đề: {quotas}; làm trong 10 phút.',
    '3. Mỗi người được thi tối đa 2 lượt trong mỗi đợt; lượt có kết quả cao nhất của đợt được tính.',
    '4. Mỗi đợt xếp hạng riêng theo số câu đúng, rồi câu hỏi dự đoán số người tham gia đợt đó, rồi thời gian làm bài.',
    '5. Kết quả chung cuộc của mỗi đợt được công bố tự động khi đợt kết thúc.',
  ].join('\n'),
  questionsPerAttempt: 10,
  timeLimitSec: 600,
  maxAttempts: 2,
  prediction: { prompt: 'Theo bạn, tuần này sẽ có bao nhiêu người tham gia?' },
  showAnswers: 'after_close' as const,
};
